"""``form.*`` and ``fee.*``: a sound e-form covering every required document, and fee rules that compute."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .. import dossier_subject, fees, form_dates, forms, subjects
from ..expressions import ExpressionError
from .report import ERROR, AddFinding
from .versions import VersionRow


def check_form_and_fees(add: AddFinding, version: VersionRow) -> None:
    schema = version.form_schema or {}
    problems = forms.schema_problems(schema)
    for problem in problems:
        add(ERROR, "form.schema", problem)
    for problem in forms.ui_problems(version.ui_schema or {}, schema if not problems else {}):
        add(ERROR, "form.ui", problem)
    # The persons the documents concern, for the citizen's data store (catalog.subjects).
    for problem in subjects.subject_problems(schema if not problems else {}):
        add(ERROR, "form.subject", problem)
    # Whom the dossier concerns, shown in the lists of dossiers (catalog.dossier_subject).
    for problem in dossier_subject.subject_problems(schema if not problems else {}):
        add(ERROR, "form.dossier_subject", problem)
    # Dates the law bounds (a birth date is not in the future): ``x-date`` on date fields only.
    for problem in form_dates.date_problems(schema if not problems else {}):
        add(ERROR, "form.date", problem)
    names = forms.field_names(schema)
    for doc in version.documents:
        if doc.form_field and doc.form_field not in names:
            add(
                ERROR,
                "form.document",
                _("giấy tờ '%(document)s' gắn với trường '%(field)s' không có trong biểu mẫu")
                % {"document": doc.name, "field": doc.form_field},
            )
        covered = (
            bool(doc.form_field) or (doc.originals + doc.copies) > 0 or bool(doc.reuse and doc.reuse_key)
        )
        if doc.mandatory and not covered:
            add(
                ERROR,
                "form.document",
                _(
                    "giấy tờ bắt buộc '%(document)s' không có cách nộp: không có bản chính, bản sao, "
                    "trường biểu mẫu hay nguồn dữ liệu dùng lại"
                )
                % {"document": doc.name},
            )
        if doc.reuse and not doc.reuse_key:
            add(
                ERROR,
                "form.document",
                _("giấy tờ '%(document)s' dùng lại dữ liệu nhưng chưa nêu nguồn dữ liệu")
                % {"document": doc.name},
            )
    rule_problems = fees.rule_problems(version.fee_rules)
    for problem in rule_problems:
        add(ERROR, "fee.rule", problem)
    if rule_problems or problems:
        return
    unknown = fees.names_used(version.fee_rules) - names
    if unknown:
        add(
            ERROR,
            "fee.unknown_field",
            _("công thức phí dùng trường không có trong biểu mẫu: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
        )
        return
    properties = schema.get("properties") or {}
    numbers = {
        name: properties[name]
        for name in fees.names_used(version.fee_rules)
        if isinstance(properties.get(name), dict) and _is_number(properties[name])
    }
    unbounded = sorted(name for name, sub in numbers.items() if "maximum" not in sub)
    if unbounded:
        add(
            ERROR,
            "fee.unbounded_field",
            _("trường số dùng trong công thức phí phải có giá trị lớn nhất (maximum): %(fields)s")
            % {"fields": ", ".join(unbounded)},
        )
        return
    _check_fee_dates(add, version)
    dates = [
        name
        for name in fees.names_used(version.fee_rules)
        if isinstance(properties.get(name), dict) and properties[name].get("format") == "date"
    ]
    try:
        for day in _quote_days(version):
            # Each event date the fee reads on the submission day itself and long before it.
            for back in (0, 400):
                event = (day - dt.timedelta(days=back)).isoformat()
                sample = {**forms.sample_data(schema), **dict.fromkeys(dates, event)}
                fees.quote(version.fee_rules, sample, on=day)
                # Also with every yes/no field set, so that each exemption condition is evaluated once.
                flipped = {k: (True if v is False else v) for k, v in sample.items()}
                fees.quote(version.fee_rules, flipped, on=day)
                # And with every number the fee reads at its maximum: the largest fee must still be storable.
                largest = {name: sub["maximum"] for name, sub in numbers.items()}
                fees.quote(version.fee_rules, {**sample, **largest}, on=day)
    except ExpressionError as exc:
        add(
            ERROR,
            "fee.not_computable",
            _("không tính được phí trên biểu mẫu mẫu: %(error)s") % {"error": exc},
        )


def _quote_days(version: VersionRow) -> list[dt.date]:
    """The version's first day and each later day a fee rule takes effect: every fee schedule it applies."""
    days = {day for rule in version.fee_rules if (day := fees.rule_start(rule)) is not None}
    if version.valid_from is not None:
        days = {version.valid_from} | {day for day in days if day > version.valid_from}
    return sorted(days)


def _check_fee_dates(add: AddFinding, version: VersionRow) -> None:
    """Every fee is in force from the version's first day: a fee whose first rule takes effect later would
    be silently missing before it (``fee.not_in_force``); a later resolution is a later rule of the same
    code (docs/legal-basis.md section 10)."""
    if version.valid_from is None:
        return
    for code, start in sorted(fees.first_starts(version.fee_rules).items()):
        if start > version.valid_from:
            add(
                ERROR,
                "fee.not_in_force",
                _(
                    "khoản phí '%(code)s' chỉ có hiệu lực từ %(start)s, sau ngày áp dụng của phiên bản "
                    "(%(version_start)s): thêm mức thu áp dụng từ ngày của phiên bản, hoặc lập phiên bản mới "
                    "từ ngày văn bản có hiệu lực"
                )
                % {
                    "code": code,
                    "start": start.strftime("%d/%m/%Y"),
                    "version_start": version.valid_from.strftime("%d/%m/%Y"),
                },
            )


def _is_number(sub: dict) -> bool:
    kind = sub.get("type")
    return bool({"integer", "number"} & set(kind if isinstance(kind, list) else [kind]))
