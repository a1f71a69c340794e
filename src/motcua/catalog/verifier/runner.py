"""Running the checks over the catalog on a date (``verify``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import (
    Procedure,
    ProcedureVersion,
)
from .competence import check_competence, check_place_fields
from .form_and_fees import check_form_and_fees
from .legal import Cited, VersionText, check_flags, check_legal_basis, legal_index, version_texts
from .performers import check_performers
from .plugins import extra_checks
from .report import ERROR, WARNING, AddFinding, Finding, Report
from .versions import VersionRow, versions_to_check
from .workflows import check_same_day, check_workflow
from .world import RuleRow, World, rules_by_procedure


def verify(
    *,
    on: dt.date,
    province_code: str | None = None,
    procedures: Iterable[Procedure] | None = None,
    versions: Iterable[ProcedureVersion] | None = None,
) -> Report:
    """Verify the catalog on ``on``.

    By default every procedure's published version in force on ``on`` is checked. Pass
    ``versions`` to check given versions instead (e.g. a draft before publishing it), or
    ``procedures`` to limit the run.
    """
    province_code = province_code or settings.MOTCUA_PROVINCE_CODE
    world = World(on=on, province_code=province_code)
    chosen = versions_to_check(on=on, procedures=procedures, versions=versions)
    report = Report(on=on, province_code=province_code, communes=len(world.communes))
    rules = rules_by_procedure(on=on, procedure_ids={v.procedure_id for v in chosen})
    if procedures is None and versions is None:
        checked = {v.procedure_id for v in chosen}
        for code in Procedure.objects.exclude(id__in=checked).values_list("code", flat=True):
            report.findings.append(
                Finding(
                    WARNING,
                    "version.none_in_force",
                    code,
                    _("không có phiên bản đã công bố có hiệu lực ngày %(day)s") % {"day": f"{on:%d/%m/%Y}"},
                )
            )
    if not world.communes:
        report.findings.append(
            Finding(
                ERROR,
                "geo.no_communes",
                "-",
                _("tỉnh %(province)s không có xã, phường nào có hiệu lực ngày %(day)s")
                % {"province": province_code, "day": f"{on:%d/%m/%Y}"},
            )
        )
    index = legal_index()
    texts = version_texts([v.id for v in chosen])
    for version in chosen:
        report.procedures += 1
        check_version(report, world, version, rules.get(version.procedure_id, []))
        check_legal(report, version, texts.get(version.id), index, on=on)
    return report


def _adder(report: Report, version: VersionRow) -> AddFinding:
    def add(severity: str, rule: str, message: str) -> None:
        report.findings.append(Finding(severity, rule, version.code, message, version.number))

    return add


def check_legal(
    report: Report, version: VersionRow, text: VersionText | None, index: list[Cited], *, on: dt.date
) -> None:
    """The version cites a legal basis in force on its first day; its "[kiểm tra]" flags are listed."""
    add = _adder(report, version)
    check_legal_basis(add, text, index, on=on)
    check_flags(add, text)


def check_version(report: Report, world: World, version: VersionRow, rules: list[RuleRow]) -> None:
    add = _adder(report, version)

    competent_by_commune = check_competence(add, world, rules)
    check_same_day(add, version)
    check_place_fields(add, version, rules)
    steps = check_workflow(add, version)
    if steps:
        check_performers(add, world, steps, competent_by_commune)
    check_form_and_fees(add, version)
    for check in extra_checks():
        check(add, version)
