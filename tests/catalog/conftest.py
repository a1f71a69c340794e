"""Builders for catalogs broken on purpose: a small valid procedure as a dict, imported as a draft."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from motcua.catalog import interchange, services
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.verifier import Report, verify

REFORM = dt.date(2025, 7, 1)
TODAY = dt.date(2026, 11, 27)
FIELD = {"code": "thu_nghiem", "name": "Thử nghiệm"}


def step(
    code: str,
    role: str,
    hours: int,
    actions: list[str],
    transitions: list[dict[str, Any]],
    performer: str = "competent",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Bước {code}",
        "role": role,
        "performer": performer,
        "hours": hours,
        "actions": actions,
        "transitions": transitions,
        **extra,
    }


def good_procedure(code: str = "9.900001") -> dict[str, Any]:
    """A commune procedure that verifies clean: desk -> specialist -> leader -> desk, 3 working days."""
    return {
        "code": code,
        "name": "Thủ tục thử nghiệm",
        "field": FIELD["code"],
        "levels": ["commune"],
        "target": "citizen",
        "competence": [
            {
                "place_basis": "residence",
                "place_fields": ["residence_unit"],
                "scope": "46",
                "agency_rule": "commune_committee",
                "valid_from": REFORM,
            }
        ],
        "versions": [
            {
                "number": 1,
                "valid_from": REFORM,
                "time_limit": {"amount": 3, "unit": "working_days"},
                "online_level": "full",
                "legal_basis": "Nghị định thử nghiệm 1/2025/NĐ-CP",
                "source": "thử nghiệm",
                "result": {"name": "Giấy xác nhận"},
                "fees": [
                    {
                        "code": "phi",
                        "name": "Phí",
                        "kind": "formula",
                        "expr": "5000 * copies",
                        "legal_basis": "Nghị quyết thử nghiệm",
                        "valid_from": "2017-01-01",
                        "exemptions": [{"when": "poor", "reason": "Hộ nghèo"}],
                    }
                ],
                "documents": [
                    {
                        "code": "to_khai",
                        "name": "Tờ khai",
                        "originals": 1,
                        "copies": 0,
                        "form_field": "full_name",
                    }
                ],
                "form": {
                    "schema": {
                        "$schema": "https://json-schema.org/draft/2020-12/schema",
                        "type": "object",
                        "required": ["full_name"],
                        "properties": {
                            "full_name": {"type": "string", "title": "Họ và tên"},
                            "copies": {"type": "integer", "minimum": 1, "maximum": 100, "default": 1},
                            "poor": {"type": "boolean", "default": False},
                            "residence_unit": {
                                "type": "string",
                                "title": "Xã, phường nơi cư trú của người được xác nhận",
                                "pattern": "^[0-9]{5}$",
                            },
                        },
                    },
                    "ui": {
                        "order": ["full_name", "residence_unit", "copies", "poor"],
                        "widgets": {"poor": "checkbox", "residence_unit": "unit"},
                    },
                },
                "workflow": {
                    "name": "Quy trình thử",
                    "steps": [
                        step(
                            "nhan",
                            "reception_officer",
                            2,
                            ["forward", "request_supplement"],
                            [{"action": "forward", "to": "xu_ly"}],
                            performer="receiving",
                            initial=True,
                        ),
                        step(
                            "xu_ly",
                            "specialist",
                            14,
                            ["forward", "return"],
                            [
                                {"action": "forward", "to": "ky"},
                                {"action": "return", "to": "nhan", "requires_reason": True},
                            ],
                        ),
                        step(
                            "ky",
                            "leader",
                            4,
                            # Refusal after review: the leader's decision (stop notice, form 05).
                            ["sign", "return", "refuse"],
                            [
                                {"action": "sign", "to": "tra"},
                                {"action": "return", "to": "xu_ly", "requires_reason": True},
                                {"action": "refuse", "requires_reason": True},
                            ],
                        ),
                        step(
                            "tra",
                            "reception_officer",
                            2,
                            ["return_result"],
                            [{"action": "return_result"}],
                            performer="receiving",
                        ),
                    ],
                },
            }
        ],
    }


def catalog_text(*procedures: dict[str, Any]) -> str:
    return interchange.dumps(
        {"format": interchange.FORMAT, "fields": [FIELD], "procedures": list(procedures)}
    )


def import_draft(procedure: dict[str, Any]) -> ProcedureVersion:
    services.import_catalog(text=catalog_text(procedure), publish=False)
    return ProcedureVersion.objects.get(procedure__code=procedure["code"], number=1)


def check(version: ProcedureVersion, day: dt.date = REFORM) -> Report:
    return verify(on=day, versions=[version])


def steps_of(procedure: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["code"]: s for s in procedure["versions"][0]["workflow"]["steps"]}


@pytest.fixture
def procedure() -> dict[str, Any]:
    return copy.deepcopy(good_procedure())
