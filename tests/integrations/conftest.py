"""Fixtures for the integrations: the dossier world of tests/dossiers and a procedure the national portal's
submissions can be received for (its competence rule reads the commune from the e-form field ``ma_xa``)."""

from __future__ import annotations

import pytest

from dossiers.dossier_world import World, build_procedure, build_world
from motcua.catalog.models import CompetenceRule

PORTAL_PROCEDURE = "T.NP.001"


@pytest.fixture
def world(db) -> World:
    world = build_world()
    procedure, _version = build_procedure(world.province, code=PORTAL_PROCEDURE)
    CompetenceRule.objects.filter(procedure=procedure).update(place_fields=["ma_xa"])
    return world
