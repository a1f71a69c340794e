"""Fixtures for dossier tests: the small world of dossier_world.py, and a busy dossier in Huế's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from performance.test_query_budgets import busy_dossier, world_and_procedure

from .dossier_world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def busy(db):
    """Huế's world and a dossier at its review step with events, documents, consultations and an apology
    (``performance.test_query_budgets.busy_dossier``)."""
    world, procedure = world_and_procedure(timezone.localdate())
    return world, busy_dossier(world, procedure)
