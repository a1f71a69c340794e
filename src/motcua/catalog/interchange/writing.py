"""Writing the catalog back as the same canonical document (export)."""

from __future__ import annotations

from typing import Any

import yaml

from ..models import (
    LegalDocument,
    Procedure,
    ProcedureVersion,
)
from .document import canonical, compact, number


def dump_procedure(procedure: Procedure, versions: list[ProcedureVersion]) -> dict[str, Any]:
    """A procedure with its competence rules and versions as a canonical dictionary."""
    levels = [
        level for level, on in (("province", procedure.at_province), ("commune", procedure.at_commune)) if on
    ]
    rules = sorted(
        procedure.competence_rules.all(), key=lambda r: (r.valid_from, r.scope.code, r.place_basis, r.id)
    )
    # English name, keywords and the home-page flag only when set: most procedures have none.
    optional = compact(
        {
            "name_en": procedure.name_en,
            "keywords": [word.strip() for word in procedure.keywords.split(",") if word.strip()],
            "featured": procedure.featured or None,
        }
    )
    return {
        "code": procedure.code,
        "name": procedure.name,
        **{k: v for k, v in optional.items() if k != "featured"},
        "field": procedure.field.code,
        "levels": levels,
        "target": procedure.target,
        **{k: v for k, v in optional.items() if k == "featured"},
        "competence": [
            compact(
                {
                    "place_basis": r.place_basis,
                    "place_fields": [str(name) for name in r.place_fields or []],
                    "scope": r.scope.code,
                    "agency_rule": r.agency_rule,
                    "agency": r.agency.code if r.agency is not None else None,
                    "valid_from": r.valid_from,
                    "valid_to": r.valid_to,
                    "legal_basis": r.legal_basis,
                }
            )
            for r in rules
        ],
        "versions": [dump_version(v) for v in sorted(versions, key=lambda v: v.number)],
    }


def dump_version(version: ProcedureVersion) -> dict[str, Any]:
    workflow = getattr(version, "workflow", None)
    steps = sorted(workflow.steps.all(), key=lambda s: s.order) if workflow else []
    code_of = {s.id: s.code for s in steps}
    step_dicts = []
    for step in steps:
        entry: dict[str, Any] = {
            "code": step.code,
            "name": step.name,
            "role": step.role,
            "performer": step.performer,
            "agency": step.performer_agency.code if step.performer_agency_id else None,
            "hours": number(step.allotment_hours),
        }
        if step.is_initial:
            entry["initial"] = True
        entry["actions"] = list(step.actions or [])
        transitions = []
        for t in sorted(step.transitions.all(), key=lambda t: t.id):
            tr: dict[str, Any] = {"action": t.action, "to": code_of.get(t.target_id) if t.target_id else None}
            if t.requires_reason:
                tr["requires_reason"] = True
            transitions.append(compact(tr))
        entry["transitions"] = transitions
        step_dicts.append(compact(entry))
    documents = []
    for doc in sorted(version.documents.all(), key=lambda d: d.order):
        entry = compact(
            {
                "code": doc.code,
                "name": doc.name,
                "originals": doc.originals,
                "copies": doc.copies,
                "mandatory": doc.mandatory,
                "reuse": doc.reuse,
                "reuse_key": doc.reuse_key,
                "form_field": doc.form_field,
                "condition": doc.condition,
            },
            keep=("originals", "copies"),
        )
        if entry.get("mandatory") is True:
            del entry["mandatory"]
        documents.append(entry)
    return compact(
        {
            "number": version.number,
            "status": version.status,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "time_limit": compact(
                {
                    "amount": number(version.time_limit_amount),
                    "unit": version.time_limit_unit,
                    "same_day_cutoff": version.same_day_cutoff.strftime("%H:%M")
                    if version.same_day_cutoff
                    else None,
                    "extension_max": version.extension_max,
                    "extension_basis": version.extension_basis,
                }
            ),
            # One apology per dossier is the default (and is left out of the file).
            "apologies_allowed": version.apologies_allowed if version.apologies_allowed != 1 else None,
            "online_level": version.online_level,
            "location_independent": version.location_independent,
            "online_only": compact({"from": version.online_only_from, "basis": version.online_only_basis})
            if version.online_only_from
            else None,
            # The default clock ("resume") is left out, as a mandatory document's flag is.
            "supplement_clock": version.supplement_clock if version.supplement_clock != "resume" else None,
            "supplement_request_days": version.supplement_request_days,
            "legal_basis": version.legal_basis,
            "source": version.source,
            "result": compact(
                {
                    "name": version.result_name,
                    "template": version.result_template,
                    "validity": version.result_validity,
                    "kind": version.result_kind,
                }
            ),
            "fees": canonical(version.fee_rules or []),
            "documents": documents,
            "form": compact(
                {"schema": canonical(version.form_schema or {}), "ui": canonical(version.ui_schema or {})}
            ),
            "workflow": compact({"name": workflow.name if workflow else "", "steps": step_dicts}),
            "notes": version.notes,
        }
    )


def dump_legal_document(document: LegalDocument) -> dict[str, Any]:
    return compact(
        {
            "number": document.number,
            "title": document.title,
            "in_force_from": document.in_force_from,
            "in_force_to": document.in_force_to,
            "replaced_by": document.replaced_by.number if document.replaced_by is not None else None,
            "notes": document.notes,
        }
    )


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same date on many rules is written out each time, never as an anchor


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)


_Dumper.add_multi_representer(str, _str_representer)


def dumps(document: dict[str, Any]) -> str:
    return yaml.dump(
        document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )
