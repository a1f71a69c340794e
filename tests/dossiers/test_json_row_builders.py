"""The JSON rows of a page are turned into model instances by a function written out once per shape
(``json_rows._write_builder``): its values are those of the generic conversion (``json_rows._value``, the
column's ``to_python``) for every form a database writes them in, and the instance is the one ``from_db``
makes (no query: these tests touch no database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from motcua.dossiers.models import DossierStep
from motcua.dossiers.selectors import json_rows
from motcua.dossiers.selectors.json_rows import Shape
from motcua.dossiers.selectors.visibility import PAGE_CHILDREN
from motcua.org.models import Staff

STEP = PAGE_CHILDREN["steps"][0]


def _generic(shape: Shape, row: dict[str, Any]) -> dict[str, Any]:
    """What the builder must give, column by column: the value as the column's own conversion makes it."""
    return {
        c.attname: json_rows._value(c, row.get(c.attname)) if row.get(c.attname) is not None else None
        for c in shape.columns()
    }


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c.attname: None for c in STEP.columns()}
    row.update(id=7, dossier_id=3, sequence=2, role="chuyen_vien", action="", outcome="")
    row.update(values)
    return row


@pytest.mark.parametrize(
    "started",
    [
        "2025-09-08T01:00:00+00:00",  # PostgreSQL's json of timestamptz
        "2025-09-08T08:00:00.250000+07:00",
        "2025-09-08 01:00:00",  # SQLite: naive, in UTC
        "2025-09-08 01:00:00.5",
        "2025-09-08T01:00:00Z",
        "2025-09-08",  # a date alone: midnight, as parse_datetime reads it
    ],
)
def test_datetimes_in_every_form_come_out_as_the_column_converts_them(started):
    row = _row(started_at=started, deadline=started, spent_hours="1.50")
    built = json_rows.instance(STEP, row, "default")
    expected = _generic(STEP, row)
    assert {c.attname: getattr(built, c.attname) for c in STEP.columns()} == expected
    assert built.started_at.tzinfo is not None and built.started_at == expected["started_at"]
    assert built.spent_hours == Decimal("1.50") and built.finished_at is None


def test_a_text_no_datetime_parser_reads_is_refused_as_before():
    with pytest.raises(ValidationError):
        json_rows.instance(STEP, _row(started_at="8/9/2025 08:00", deadline="2025-09-08"), "default")


def test_the_instance_is_a_loaded_row_with_its_related_rows_and_none_for_an_absent_one():
    row = _row(
        started_at="2025-09-08T01:00:00+00:00",
        deadline="2025-09-09T01:00:00+00:00",
        assignee_id=5,
        assignee={c.attname: None for c in Shape(Staff).columns()} | {"id": 5, "full_name": "Lê Văn A"},
        finished_by={},
    )
    # Related rows read with the row (``Shape.related``; the page's own shapes take staff from the snapshot).
    shape = Shape(DossierStep, related={"assignee": Shape(Staff), "finished_by": Shape(Staff)})
    built = json_rows.instance(shape, row, "other")
    assert type(built) is DossierStep and built._state.adding is False and built._state.db == "other"
    assert built._state.fields_cache["assignee"].full_name == "Lê Văn A"
    assert built._state.fields_cache["finished_by"] is None
    assert json_rows.instance(shape, {"id": None}, "default") is None


def test_one_builder_per_shape_written_once():
    assert json_rows._builder(STEP) is json_rows._builder(STEP)
    made_on_the_fly = Shape(DossierStep, fields=("sequence",))
    built = json_rows.instance(made_on_the_fly, {"id": 1, "sequence": 4}, "default")
    assert built.sequence == 4 and built.get_deferred_fields() >= {"started_at", "role"}
