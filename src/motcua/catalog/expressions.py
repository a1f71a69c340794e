"""A tiny, safe expression language for fee formulas and exemption conditions.

Formulas are data typed by administrators, so they are never handed to ``eval``: the text is
parsed with :mod:`ast` and only a whitelist of node kinds is evaluated. Allowed: numbers,
``true``/``false``, form field names, ``+ - * / // %``, unary ``-``/``not``, comparisons,
``and``/``or``, ``a if cond else b``, and the functions ``min``, ``max``, ``round``, ``abs``,
``ceil``, ``floor``, and ``days_since(field)``: the days from the date in a form field (an ISO date, e.g.
the date of birth) to the submission date, which the engine provides (``evaluate(..., today=)``), never
the form; a date after the submission date is an error. Arithmetic is done in :class:`~decimal.Decimal`,
in a context that traps every decimal failure: a value beyond ±10^MAX_EXPONENT, an operation that has no
result (infinity, NaN) or a division by zero is an :class:`ExpressionError`, never a bare decimal exception.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections.abc import Mapping
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

Number = Decimal | bool

MAX_LENGTH = 500
FUNCTIONS = {"min", "max", "round", "abs", "ceil", "floor", "days_since"}
# Functions of a date field: their one argument is the field's name, read as a date, not a number.
DATE_FUNCTIONS = {"days_since"}
CONSTANTS = {"true": True, "false": False, "True": True, "False": False}
# Values and results stay below 10^(MAX_EXPONENT + 1): far above any fee, far below what is slow to compute.
MAX_EXPONENT = 30
_CONTEXT = Context(
    prec=40, Emax=MAX_EXPONENT, Emin=-MAX_EXPONENT, traps=[InvalidOperation, DivisionByZero, Overflow]
)


class ExpressionError(ValueError):
    """The expression is malformed, uses something outside the whitelist, or cannot be evaluated."""


def _round(value: Decimal, digits: Decimal | int = 0) -> Decimal:
    if not -MAX_EXPONENT <= digits <= MAX_EXPONENT:
        raise ExpressionError(_("số chữ số làm tròn không hợp lệ"))
    exp = Decimal(1).scaleb(-int(digits))
    return value.quantize(exp, rounding=ROUND_HALF_UP)


_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
)


@lru_cache(maxsize=4096)
def parse(expr: str) -> ast.Expression:
    """Parse and check ``expr`` against the whitelist; raise ExpressionError otherwise."""
    if not isinstance(expr, str) or not expr.strip():
        raise ExpressionError(_("biểu thức rỗng"))
    if len(expr) > MAX_LENGTH:
        raise ExpressionError(_("biểu thức dài quá %(count)s ký tự") % {"count": MAX_LENGTH})
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(_("cú pháp không hợp lệ: %(error)s") % {"error": exc.msg}) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(
                _("không được dùng '%(node)s' trong biểu thức") % {"node": type(node).__name__}
            )
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, str | bytes | complex) or node.value is None
        ):
            raise ExpressionError(_("chỉ được dùng số trong biểu thức"))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ExpressionError(
                    _("chỉ được gọi các hàm: %(functions)s") % {"functions": ", ".join(sorted(FUNCTIONS))}
                )
            if node.keywords or not node.args:
                raise ExpressionError(
                    _("hàm %(function)s cần đối số theo vị trí") % {"function": node.func.id}
                )
            if node.func.id in DATE_FUNCTIONS and (
                len(node.args) != 1 or not isinstance(node.args[0], ast.Name) or node.args[0].id in CONSTANTS
            ):
                raise ExpressionError(
                    _("hàm %(function)s nhận đúng một đối số là tên trường ngày của biểu mẫu")
                    % {"function": node.func.id}
                )
    return tree


def names_in(expr: str) -> set[str]:
    """The field names an expression reads (function names and constants excluded)."""
    tree = parse(expr)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and n.id not in CONSTANTS and not (n.id in called and n.id in FUNCTIONS)
    }


def _finite(value: Decimal, name: str) -> Decimal:
    """``value`` if it is a finite number within the bounds, else ExpressionError naming ``name``."""
    if not value.is_finite():
        raise ExpressionError(_("trường '%(field)s' không phải là số") % {"field": name})
    if value and value.adjusted() > MAX_EXPONENT:
        raise ExpressionError(_("trường '%(field)s' có giá trị quá lớn") % {"field": name})
    return value


def _to_value(raw: Any, name: str) -> Number:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | Decimal):
        return _finite(Decimal(raw), name)
    if isinstance(raw, float):
        return _finite(Decimal(str(raw)), name)
    if isinstance(raw, str):
        try:
            return _finite(Decimal(raw.strip()), name)
        except InvalidOperation:
            raise ExpressionError(_("trường '%(field)s' không phải là số") % {"field": name}) from None
    if raw is None:
        return Decimal(0)
    raise ExpressionError(_("trường '%(field)s' không phải là số") % {"field": name})


def evaluate(expr: str, variables: Mapping[str, Any], *, today: dt.date | None = None) -> Number:
    """Evaluate ``expr`` with the form's values; missing fields are an error, ``None`` counts as 0.

    ``today`` is the submission date, given by the engine: what ``days_since`` counts to."""
    tree = parse(expr)
    try:
        with localcontext(_CONTEXT):
            value = _eval(tree.body, variables, today)
    except ExpressionError:
        raise
    except (DecimalException, ArithmeticError, ValueError):
        # Overflow, an operation without a result (infinity, NaN), a value beyond the bounds.
        raise ExpressionError(_("kết quả quá lớn hoặc không phải là số")) from None
    if isinstance(value, Decimal):
        _finite(value, expr)
    return value


def _num(value: Number) -> Decimal:
    return Decimal(int(value)) if isinstance(value, bool) else value


def _date_of(raw: Any, name: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ExpressionError(_("trường '%(field)s' không phải là ngày") % {"field": name})


def _days_since(node: ast.Call, env: Mapping[str, Any], today: dt.date | None) -> Decimal:
    """Days from the date in the named field to the submission date (``today``, from the engine)."""
    field = node.args[0]
    assert isinstance(field, ast.Name)
    if today is None:
        raise ExpressionError(_("chưa có ngày nộp hồ sơ để tính số ngày"))
    if field.id not in env or env[field.id] in (None, ""):
        raise ExpressionError(_("thiếu trường '%(field)s'") % {"field": field.id})
    day = _date_of(env[field.id], field.id)
    if day > today:
        raise ExpressionError(
            _("ngày ở trường '%(field)s' (%(day)s) sau ngày nộp hồ sơ (%(today)s)")
            % {"field": field.id, "day": day.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")}
        )
    return Decimal((today - day).days)


def _eval(node: ast.AST, env: Mapping[str, Any], today: dt.date | None = None) -> Number:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return node.value
        return _finite(Decimal(str(node.value)), str(node.value))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id not in env:
            raise ExpressionError(_("thiếu trường '%(field)s'") % {"field": node.id})
        return _to_value(env[node.id], node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, env, today)
        if isinstance(node.op, ast.Not):
            return not operand
        value = _num(operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _num(_eval(node.left, env, today)), _num(_eval(node.right, env, today))
        try:
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if isinstance(node.op, ast.FloorDiv):
                return left // right
            if isinstance(node.op, ast.Mod):
                return left % right
        except (ZeroDivisionError, InvalidOperation):
            if right == 0:  # x/0, 0/0, x//0, x%0
                raise ExpressionError(_("chia cho 0")) from None
            raise
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            outcome: Number = True
            for part in node.values:
                outcome = _eval(part, env, today)
                if not outcome:
                    return outcome
            return outcome
        outcome = False
        for part in node.values:
            outcome = _eval(part, env, today)
            if outcome:
                return outcome
        return outcome
    if isinstance(node, ast.Compare):
        current = _eval(node.left, env, today)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            following = _eval(comparator, env, today)
            a, b = _num(current), _num(following)
            ok = {
                ast.Eq: a == b,
                ast.NotEq: a != b,
                ast.Lt: a < b,
                ast.LtE: a <= b,
                ast.Gt: a > b,
                ast.GtE: a >= b,
            }[type(op)]
            if not ok:
                return False
            current = following
        return True
    if isinstance(node, ast.IfExp):
        return (
            _eval(node.body, env, today) if _eval(node.test, env, today) else _eval(node.orelse, env, today)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "days_since":
            return _days_since(node, env, today)
        args = [_num(_eval(arg, env, today)) for arg in node.args]
        name = node.func.id
        if name == "min":
            return min(args)
        if name == "max":
            return max(args)
        if name == "abs":
            return abs(args[0])
        if name == "round":
            return _round(args[0], args[1] if len(args) > 1 else 0)
        if name == "ceil":
            return Decimal(math.ceil(args[0]))
        if name == "floor":
            return Decimal(math.floor(args[0]))
    raise ExpressionError(_("không đánh giá được '%(node)s'") % {"node": type(node).__name__})
