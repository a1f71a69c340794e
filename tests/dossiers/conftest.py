"""Fixtures for dossier tests: the small world of dossier_world.py."""

from __future__ import annotations

import pytest

from .dossier_world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()
