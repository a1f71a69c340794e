"""docs/scaling.md names, for every table of the models, where it would live in a distributed PostgreSQL
(Citus): its list is the one bench/scale.py generates from the models, so a new, renamed or removed table
cannot be left out."""

from __future__ import annotations

import pytest
from django.apps import apps

from .scale_bench import ROOT, scale_module

DOC = ROOT / "docs" / "scaling.md"


def test_the_table_list_of_the_scaling_doc_is_the_one_generated_from_the_models():
    scale = scale_module()
    text = DOC.read_text()
    start, end = text.index(scale.TABLES_BEGIN), text.index(scale.TABLES_END) + len(scale.TABLES_END)
    assert text[start:end] == scale.tables_markdown(), (
        "docs/scaling.md is out of step with the models: run `python bench/scale.py --tables` and paste its "
        "output between the markers"
    )


def test_every_table_has_one_place_and_the_hot_tables_are_distributed_by_province():
    scale = scale_module()
    found = {p.table: p for p in scale.placements()}
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert set(found) == tables
    assert {p.placement for p in found.values()} <= {"distributed", "reference", "local"}
    for table in ("dossiers_dossier", "dossiers_dossierevent", "dossiers_dossierstep"):
        assert (found[table].placement, found[table].note) == ("distributed", "by province_code")
    assert found["dossiers_dossierdocument"].placement == "distributed"
    assert "co-located" in found["dossiers_dossierdocument"].note
    for table in ("catalog_procedure", "org_agency", "geo_administrativeunit"):
        assert found[table].placement == "reference"


def test_a_table_of_an_app_nobody_placed_is_refused(monkeypatch):
    scale = scale_module()
    monkeypatch.setattr(scale, "REFERENCE_APPS", scale.REFERENCE_APPS - {"catalog"})
    with pytest.raises(LookupError, match="catalog_"):
        scale.placements()
