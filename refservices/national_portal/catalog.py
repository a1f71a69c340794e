"""National procedure records (LayThuTuc) and the e-form fields of the citizen pages, from procedures.json."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("procedures.json")
# Keys of a record that belong to this portal's pages, not to the LayThuTuc answer.
_PAGE_KEYS = ("BieuMau", "TepDinhKem", "GhiChu")


@cache
def procedures() -> dict[str, dict[str, Any]]:
    return {record["MaTTHC"]: record for record in _data()["procedures"]}


@cache
def _data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def units() -> list[dict[str, str]]:
    """Huế's commune-level units (code, name): the choices of the e-form's unit fields."""
    return list(_data()["DonViHanhChinh"])


def national_record(code: str) -> dict[str, Any] | None:
    """The LayThuTuc answer for ``code``, or None for a procedure the portal does not publish."""
    record = procedures().get(code)
    if record is None:
        return None
    return {key: copy.deepcopy(value) for key, value in record.items() if key not in _PAGE_KEYS}


def form_fields(code: str) -> list[dict[str, Any]]:
    """The e-form fields the submission page asks for (motcua's sample e-form schema of the procedure)."""
    record = procedures().get(code)
    return list(record["BieuMau"]) if record else []
