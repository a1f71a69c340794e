"""``form.*`` and ``fee.*``: a sound e-form covering every required document, and fee rules that compute."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import fees, forms
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
    sample = forms.sample_data(schema)
    try:
        fees.quote(version.fee_rules, sample)
        # Also with every yes/no field set, so that each exemption condition is evaluated once.
        flipped = {k: (True if v is False else v) for k, v in sample.items()}
        fees.quote(version.fee_rules, flipped)
        # And with every number the fee reads at its maximum: the largest fee must still be storable.
        fees.quote(version.fee_rules, {**sample, **{name: sub["maximum"] for name, sub in numbers.items()}})
    except ExpressionError as exc:
        add(
            ERROR,
            "fee.not_computable",
            _("không tính được phí trên biểu mẫu mẫu: %(error)s") % {"error": exc},
        )


def _is_number(sub: dict) -> bool:
    kind = sub.get("type")
    return bool({"integer", "number"} & set(kind if isinstance(kind, list) else [kind]))
