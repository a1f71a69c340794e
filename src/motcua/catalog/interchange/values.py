"""Reading one typed value of a mapping (text, choice, number, date, period), each problem with its line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .document import AgencyResolver, LineDict, LineList, Problem, UnitResolver, number


@dataclass
class ReadContext:
    problems: list[Problem] = field(default_factory=list)
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    resolve_agency: AgencyResolver | None = None
    resolve_unit: UnitResolver | None = None

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))


def line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
    return getattr(mapping, "line", 0)


def expect_map(ctx: ReadContext, value: Any, line: int, what: str) -> bool:
    if not isinstance(value, dict):
        ctx.error(line, _("%(what)s phải là một bảng khóa–giá trị") % {"what": what})
        return False
    return True


def check_keys(
    ctx: ReadContext, mapping: LineDict, *, required: tuple[str, ...], optional: tuple[str, ...], what: str
) -> None:
    for key in required:
        if key not in mapping or mapping[key] in (None, ""):
            ctx.error(mapping.line, _("%(what)s: thiếu '%(key)s'") % {"what": what, "key": key})
    for key in mapping:
        if key not in required and key not in optional:
            ctx.error(
                line_of(mapping, key), _("%(what)s: khóa không hợp lệ '%(key)s'") % {"what": what, "key": key}
            )


def read_str(ctx: ReadContext, mapping: LineDict, key: str, what: str, default: str = "") -> str:
    value = mapping.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        ctx.error(line_of(mapping, key), _("%(what)s: '%(key)s' phải là chuỗi") % {"what": what, "key": key})
        return default
    return str(value)


def read_choice(
    ctx: ReadContext, mapping: LineDict, key: str, choices: list[str], what: str, default: str | None = None
) -> str:
    value = mapping.get(key, default)
    if value not in choices:
        ctx.error(
            line_of(mapping, key),
            _("%(what)s: '%(key)s' phải là một trong %(choices)s (đang là %(value)s)")
            % {
                "what": what,
                "key": key,
                "choices": ", ".join(c or '""' for c in choices),
                "value": repr(value),
            },
        )
        return default or choices[0]
    return str(value)


def read_bool(ctx: ReadContext, mapping: LineDict, key: str, what: str, default: bool) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        ctx.error(
            line_of(mapping, key),
            _("%(what)s: '%(key)s' phải là true hoặc false") % {"what": what, "key": key},
        )
        return default
    return value


def read_int(
    ctx: ReadContext, mapping: LineDict, key: str, what: str, default: int = 0, minimum: int = 0
) -> int:
    value = mapping.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        ctx.error(
            line_of(mapping, key),
            _("%(what)s: '%(key)s' phải là số nguyên ≥ %(minimum)s")
            % {"what": what, "key": key, "minimum": minimum},
        )
        return default
    return value


def read_amount(ctx: ReadContext, mapping: LineDict, key: str, what: str) -> int | float:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        ctx.error(
            line_of(mapping, key), _("%(what)s: '%(key)s' phải là số không âm") % {"what": what, "key": key}
        )
        return 0
    return number(value)


def read_date(ctx: ReadContext, mapping: LineDict, key: str, what: str, *, required: bool) -> dt.date | None:
    value = mapping.get(key)
    if value is None:
        if required:
            ctx.error(mapping.line, _("%(what)s: thiếu '%(key)s'") % {"what": what, "key": key})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        ctx.error(
            line_of(mapping, key),
            _("%(what)s: '%(key)s' phải là ngày dạng YYYY-MM-DD") % {"what": what, "key": key},
        )
        return None


def read_list(ctx: ReadContext, mapping: LineDict, key: str, what: str) -> LineList:
    value = mapping.get(key)
    if value is None:
        empty = LineList()
        empty.line, empty.item_lines = line_of(mapping, key), []
        return empty
    if not isinstance(value, LineList):
        ctx.error(
            line_of(mapping, key), _("%(what)s: '%(key)s' phải là danh sách") % {"what": what, "key": key}
        )
        empty = LineList()
        empty.line, empty.item_lines = line_of(mapping, key), []
        return empty
    return value


def read_period(ctx: ReadContext, mapping: LineDict, what: str) -> tuple[dt.date | None, dt.date | None]:
    start = read_date(ctx, mapping, "valid_from", what, required=True)
    end = read_date(ctx, mapping, "valid_to", what, required=False)
    if start and end and end <= start:
        ctx.error(
            line_of(mapping, "valid_to"), _("%(what)s: 'valid_to' phải sau 'valid_from'") % {"what": what}
        )
    return start, end


def agency_ref(ctx: ReadContext, mapping: LineDict, key: str, what: str, on: dt.date | None) -> str | None:
    ref = mapping.get(key)
    if ref in (None, ""):
        return None
    ref = str(ref)
    if ctx.resolve_agency is None or on is None:
        return ref
    code, error = ctx.resolve_agency(ref, on)
    if error:
        ctx.error(line_of(mapping, key), f"{what}: {error}")
    return code or ref
