"""The applicant's address at the counter, read into the 2025 units for the officer to confirm.

Whether typed or read from the CCCD / căn cước QR, the address is read by ``geo.selectors.read_address``
(a card's address as of the day the card was issued). The page proposes the 2025 commune in a select
(``address_unit``), pre-selected when the reading is unambiguous, with the former unit named beside it;
when the text fits several communes the candidates are listed and nothing is pre-selected. The officer
confirms (or picks another commune, or "keep as written"); on the next post the address is rewritten in
the 2025 units ("12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế") before the dossier is registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.geo.models import AdministrativeUnit, Level
from motcua.geo.selectors import AddressReading, latest_unit, read_address, rewrite_address
from motcua.workspace.cccd import CccdData

ADDRESS_UNIT = "address_unit"
KEEP = "keep"


@dataclass
class AddressProposal:
    """What the page shows under the address: the reading, the options and which one is selected."""

    reading: AddressReading
    selected: str
    options: list[tuple[str, str]] = field(default_factory=list)
    card: CccdData | None = None

    @property
    def proposed(self) -> bool:
        return self.reading.commune is not None


def _unit(code: str, on: dt.date) -> AdministrativeUnit | None:
    unit = latest_unit(code=code) if code.isdigit() and len(code) == 5 else None
    if unit is None or unit.level != Level.COMMUNE or not unit.is_valid_on(on):
        return None
    return unit


def confirm(applicant: dict[str, str], *, chosen: str, on: dt.date) -> list[str]:
    """Rewrite ``applicant["address"]`` in the 2025 units of the commune the officer confirmed; returns the
    error messages of the address (an unknown commune) — nothing changes then."""
    if not chosen or chosen == KEEP or not applicant.get("address"):
        return []
    unit = _unit(chosen, on)
    if unit is None:
        return [_("Xã, phường đã chọn không có trong danh mục đơn vị hành chính hiện hành.")]
    applicant["address"] = rewrite_address(applicant["address"], commune=unit)[:255]
    return []


def propose(
    *, address: str, chosen: str, card: CccdData | None, communes: list[Any], on: dt.date
) -> AddressProposal | None:
    """The proposal to show under ``address`` (None when the text names no commune)."""
    if not address:
        return None
    reading = read_address(address, on=card.issued_on if card is not None else None)
    if not reading.recognised:
        return None
    options: list[tuple[str, str]] = []
    if reading.commune is not None:
        options.append((reading.commune.code, reading.label))
    options += [(unit.code, label) for unit, label in reading.candidate_labels]
    listed = {code for code, _label in options}
    options += [(unit.code, unit.name) for unit in communes if unit.code not in listed]
    selected = chosen or (reading.commune.code if reading.commune is not None else "")
    return AddressProposal(reading=reading, selected=selected, options=options, card=card)
