"""Tờ khai at the counter: the reception officer types the applicant's declaration into the same e-form the
citizen fills on the portal (the procedure version's JSON schema, rendered and checked by ``catalog.eforms``),
and it is saved as the dossier's form data at reception, so that the officer's dossier page and the result
document show the child's name and birth date, not only the paper.

Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP (docs/legal-basis.md section 26): the center receiving a
paper dossier checks it, digitizes it and enters the dossier in the software; the e-form is the declaration
(tờ khai) as data. Accepting the dossier needs a declaration the schema accepts; asking for a supplement or
refusing checks only what was typed (a declaration still incomplete is what the supplement asks for). The rule
is the engine's (``services.declaration_problems``, applied by ``services.receive_and_decide`` to every
caller); this page checks with it first so that every error shows at once, beside its input.

Which e-form fields the counter asks elsewhere on the page (a documented convention, the one the portal uses
for the e-ID identity in ``portal.dossier_views.eform``):

- ``applicant_<attribute>`` (``APPLICANT_FIELDS``): the "Chủ hồ sơ" block's inputs (name, personal ID
  number, phone, e-mail, address), typed once and copied into the declaration;
- the competence place fields (``place_<field>``): the page's first section, since they decide where the
  dossier goes, and the reception service refuses them empty in its own words (or forwards the dossier);
- the rest, the fields the fee reads included, is the "Tờ khai" block, posted under the e-form's own names
  (``eforms.raw_values``); the fee preview reads them there.

The CCCD / căn cước QR (``workspace.cccd``) fills the applicant block (name, ID number, address) and, where
the schema has them, ``applicant_birth_date`` and ``applicant_sex`` (``CARD_FIELDS``) when still empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.workspace.cccd import CccdData

# e-form field -> the counter's applicant input (``reception.APPLICANT_FIELDS``) that carries it.
APPLICANT_FIELDS = {
    "applicant_name": "name",
    "applicant_id_number": "id_number",
    "applicant_phone": "phone",
    "applicant_email": "email",
    "applicant_address": "address",
}
# e-form field -> the card's attribute that prefills it (beyond the applicant block's).
CARD_FIELDS = {"applicant_birth_date": "birth_date", "applicant_sex": "sex"}
# Hidden input: the procedure whose declaration the posted values belong to (another procedure: start afresh).
MARKER = "declaration"


@dataclass
class Declaration:
    """The declaration block of the counter page: its fields (filled and with their errors) and values."""

    schema: dict[str, Any]
    ui: dict[str, Any]
    fields: list[eforms.EFormField]
    raw: dict[str, Any]
    places: frozenset[str] = frozenset()  # the competence place fields: the reception service asks for them
    errors: dict[str, list[str]] = field(default_factory=dict)
    general_errors: list[str] = field(default_factory=list)


def read(
    *,
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    data: Mapping[str, Any],
    procedure_code: str,
    place_fields: set[str],
    card: CccdData | None,
) -> Declaration:
    """The declaration as posted (the values of this procedure's e-form), or the schema's defaults when the
    page shows this procedure's e-form for the first time; prefilled from the card where still empty."""
    elsewhere = frozenset(place_fields) | frozenset(APPLICANT_FIELDS)
    every = eforms.build_fields(schema, ui)
    shown = [f for f in every if f.name not in elsewhere]
    raw: dict[str, Any]
    if str(data.get(MARKER, "")) == procedure_code:
        raw = eforms.raw_values(shown, data)
    else:
        # First showing: the schema's defaults (a person's from its parts).
        raw = {
            f.name: {p.name.split(eforms.PART, 1)[1]: p.value for p in f.parts}
            if f.widget == "person"
            else f.value
            for f in shown
        }
    if card is not None:
        prefill_from_card(shown, raw, card)
    fields = eforms.build_fields(schema, ui, values=raw)
    return Declaration(
        schema=dict(schema),
        ui=dict(ui),
        fields=[f for f in fields if f.name not in elsewhere],
        raw=raw,
        places=frozenset(place_fields),
    )


def card_values(card: CccdData) -> dict[str, str]:
    """The e-form values the card gives, by the convention's names (``APPLICANT_FIELDS``, ``CARD_FIELDS``)."""
    read = {"name": card.name, "id_number": card.id_number, "address": card.address}
    values = {field_name: read[attr] for field_name, attr in APPLICANT_FIELDS.items() if attr in read}
    for field_name, attribute in CARD_FIELDS.items():
        value = getattr(card, attribute)
        values[field_name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return values


def prefill_from_card(fields: list[eforms.EFormField], raw: dict[str, Any], card: CccdData) -> None:
    """Fill the fields the card gives that are still empty (a select only with one of its choices)."""
    values = card_values(card)
    for f in fields:
        text = values.get(f.name)
        if text is None or raw.get(f.name):
            continue
        if f.choices and text not in f.choices:
            continue  # a select whose choices do not hold the card's wording: left to the officer
        raw[f.name] = text


def form_data(
    declaration: Declaration,
    *,
    applicant: Mapping[str, str],
    elsewhere: Mapping[str, Any],
    unit_names: Mapping[str, str],
) -> dict[str, Any]:
    """The dossier's form data: the declaration block typed, the applicant block under its e-form names and
    the values asked in the page's other sections (fee values, competence place), for the fields the schema
    has."""
    properties = declaration.schema.get("properties") or {}
    data = eforms.form_data(declaration.schema, declaration.fields, declaration.raw, unit_names)
    for name, attribute in APPLICANT_FIELDS.items():
        value = str(applicant.get(attribute) or "").strip()
        if name in properties and value:
            data[name] = value
    # The place values (and, without a declaration field of that name, the fee's): the block's own win.
    data.update({k: v for k, v in elsewhere.items() if v not in (None, "") and k not in data})
    return data


def check(
    declaration: Declaration, data: Mapping[str, Any], *, procedure: Procedure, complete: bool, on: dt.date
) -> dict[str, list[str]]:
    """The engine's check of the declaration (``services.declaration_problems``, the one the counter's service
    applies), plus the page's own: a unit of another province than the one chosen beside it. Messages by
    field name; ``complete``: every required field must be there (to accept the dossier). Messages of the
    declaration block stay on ``declaration.errors``; those of fields asked elsewhere on the page are returned
    for the page to put beside them."""
    problems = services.declaration_problems(
        procedure=procedure, form_data=dict(data), complete=complete, on=on
    )
    found = {p.field for p in problems}
    problems += [
        p for p in eforms.unit_problems(declaration.fields, declaration.raw, on=on) if p.field not in found
    ]
    errors = eforms.problem_errors(problems)
    mine = {f.name for f in declaration.fields}
    elsewhere: dict[str, list[str]] = {}
    for key, messages in errors.items():
        owner = key.split(eforms.PART, 1)[0]
        if owner in mine or owner == "":
            declaration.errors.setdefault(key, []).extend(messages)
        else:
            elsewhere.setdefault(owner, []).extend(messages)
    return elsewhere


def attach(declaration: Declaration) -> None:
    """Put each message of the declaration block beside its field (those of no field: at the block's top)."""
    declaration.general_errors = eforms.attach_errors(declaration.fields, declaration.errors)


def summary(declaration: Declaration) -> list[tuple[str, str]]:
    """(anchor, message) of each error of the declaration block, for the page's error summary."""
    items: list[tuple[str, str]] = []
    for f in declaration.fields:
        items += [
            (f"#{f.input_id}", _("%(label)s: %(message)s") % {"label": f.label, "message": m})
            for m in f.errors
        ]
        for part in f.parts:
            items += [
                (f"#{part.input_id}", _("%(label)s: %(message)s") % {"label": part.label, "message": m})
                for m in part.errors
            ]
    items += [("#declaration", message) for message in declaration.general_errors]
    return items
