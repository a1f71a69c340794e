"""Issue 9: fee arithmetic never raises a bare decimal error nor yields an amount that cannot be stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog import fees
from motcua.catalog.expressions import ExpressionError, evaluate

COPY_RULE = {
    "code": "phi_chung_thuc",
    "name": "Phí chứng thực",
    "kind": "formula",
    "expr": "min(2000*min(pages, 2) + 1000*max(pages - 2, 0), 200000) * copies",
    "legal_basis": "Thông tư 226/2016/TT-BTC",
    "valid_from": "2017-01-01",
}
DAY = dt.date(2026, 11, 30)
BASIS = {"legal_basis": "Nghị quyết thử nghiệm", "valid_from": "2017-01-01"}


@pytest.mark.parametrize(
    "copies",
    [
        10**12,
        "1000000000000",
        1e30,
        "1e30",
        float("nan"),
        "NaN",
        float("inf"),
        "Infinity",
        "-Infinity",
        "sNaN",
    ],
)
def test_a_fee_that_does_not_fit_or_is_not_a_number_is_a_catalog_error(copies):
    with pytest.raises(ExpressionError):
        fees.quote([COPY_RULE], {"pages": 1, "copies": copies}, on=DAY)


@pytest.mark.parametrize(
    "expr",
    [
        "pages * 1e999999 * 1e999999",
        "round(pages, 1000000000)",
        "ceil(pages * 1e999999 * 10)",
        "pages / 0",
        "pages % 0",
        "pages // 0",
    ],
)
def test_every_decimal_failure_of_a_formula_is_an_expression_error(expr):
    with pytest.raises(ExpressionError):
        evaluate(expr, {"pages": Decimal(3)})


def test_the_largest_storable_fee_is_accepted():
    quote = fees.quote(
        [{"code": "x", "name": "x", "kind": "formula", "expr": "copies", **BASIS}],
        {"copies": fees.MAX_AMOUNT},
        on=DAY,
    )
    assert quote.total == fees.MAX_AMOUNT
    with pytest.raises(ExpressionError):
        fees.quote(
            [{"code": "x", "name": "x", "kind": "formula", "expr": "copies + 1", **BASIS}],
            {"copies": fees.MAX_AMOUNT},
            on=DAY,
        )


def test_two_lines_that_fit_alone_but_not_together_are_refused():
    rule = {"code": "a", "name": "a", "kind": "formula", "expr": "copies", **BASIS}
    with pytest.raises(ExpressionError):
        fees.quote([rule, {**rule, "code": "b"}], {"copies": fees.MAX_AMOUNT}, on=DAY)
