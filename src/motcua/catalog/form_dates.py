"""Dates an e-form field may hold: the JSON Schema keyword ``x-date`` on a ``format: date`` string.

JSON Schema checks that a date exists (``format: date``) but cannot compare it with the day the form is
filled. ``x-date`` says what the law implies, e.g. a birth date is never in the future (Điều 14, 16 Luật
Hộ tịch 2014: the birth is declared after it happened; docs/legal-basis.md, "Dates in the e-form"):

    "child_birth_date": {"type": "string", "format": "date", "x-date": "past-or-today"}
    "marriage_date": {"type": "string", "format": "date",
                      "x-date": {"when": "past", "not_before": "1900-01-01"}}

The value is a ``when`` word or an object with ``when`` and/or ``not_before`` (an ISO date):

- ``past``: before the day the form is filled; ``past-or-today``: that day at the latest;
- ``future``: after that day; ``today-or-future``: that day at the earliest;
- ``not_before``: not earlier than the given day.

``catalog.forms.form_problems`` checks it (validator ``x-date``, the rule that failed in
``FormProblem.validator_value``: ``{"rule": <when | "not_before">, "day": <ISO date>}``); the catalog
verifier reports a malformed keyword, or one on a field that is not a date (``date_problems``:
``form.date``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

KEYWORD = "x-date"
WHEN = ("past", "past-or-today", "future", "today-or-future")
KEYS = {"when", "not_before"}


def _iso(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def rule_of(value: Any) -> tuple[str, dt.date | None]:
    """(when, not_before) of a well-formed keyword value ('' / None where it sets none)."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, Mapping):
        return str(value.get("when") or ""), _iso(value.get("not_before"))
    return "", None


def broken_rule(value: Any, day: dt.date, *, today: dt.date) -> dict[str, str] | None:
    """The rule of ``value`` (the keyword) that date ``day`` breaks when the form is filled on ``today``."""
    when, not_before = rule_of(value)
    broken = {
        "past": day >= today,
        "past-or-today": day > today,
        "future": day <= today,
        "today-or-future": day < today,
    }
    if broken.get(when):
        return {"rule": when, "day": today.isoformat()}
    if not_before is not None and day < not_before:
        return {"rule": "not_before", "day": not_before.isoformat()}
    return None


@lru_cache(maxsize=4)
def validator_class(today: dt.date) -> Any:
    """Draft 2020-12 with ``x-date`` comparing with ``today`` (one class per day, so threads share none)."""

    def check(
        validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        day = _iso(instance)
        if day is None:
            return  # not a date: ``format`` says so
        broken = broken_rule(value, day, today=today)
        if broken is not None:
            # validator_value: the rule broken (jsonschema keeps a value given here).
            yield ValidationError(
                f"{instance}: {KEYWORD} {broken['rule']} {broken['day']}", validator_value=broken
            )

    return validators.extend(Draft202012Validator, {KEYWORD: check})


def date_problems(schema: Any) -> list[str]:
    """Why the schema's ``x-date`` keywords cannot be used (Vietnamese, for the verifier; empty when fine):
    each must be on a string field with ``format: date`` (or a person's part) and be well-formed."""
    if not isinstance(schema, Mapping):
        return []
    problems: list[str] = []
    for path, sub in _properties(schema, ()):
        if KEYWORD not in sub:
            continue
        where = _("trường '%(field)s': %(keyword)s") % {"field": ".".join(path), "keyword": KEYWORD}
        kind = sub.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "string" not in kinds or sub.get("format") != "date":
            problems.append(
                _("%(where)s chỉ dùng cho trường ngày (type: string, format: date)") % {"where": where}
            )
        problems += [f"{where}: {p}" for p in _value_problems(sub[KEYWORD])]
    return problems


def _value_problems(value: Any) -> list[str]:
    choices = ", ".join(WHEN)
    if isinstance(value, str):
        return (
            []
            if value in WHEN
            else [_("'%(value)s' không phải một trong: %(choices)s") % {"value": value, "choices": choices}]
        )
    if not isinstance(value, Mapping) or not value:
        return [_("phải là một trong %(choices)s, hoặc một bảng có when, not_before") % {"choices": choices}]
    problems = []
    unknown = sorted(set(map(str, value)) - KEYS)
    if unknown:
        problems.append(_("khóa không hợp lệ: %(keys)s") % {"keys": ", ".join(unknown)})
    if "when" in value and value["when"] not in WHEN:
        problems.append(_("when phải là một trong: %(choices)s") % {"choices": choices})
    if "not_before" in value and _iso(value["not_before"]) is None:
        problems.append(_("not_before phải là một ngày dạng YYYY-MM-DD"))
    return problems


def _properties(
    schema: Mapping[str, Any], path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Mapping]]:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return
    for name, sub in properties.items():
        if isinstance(sub, Mapping):
            yield (*path, str(name)), sub
            yield from _properties(sub, (*path, str(name)))
