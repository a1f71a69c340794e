"""Shared fixtures: every test database starts with Huế's geography, organization and sample catalog."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MOTCUA_ENV", "test")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Huế world once per session; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        # TEMPORARY while the layers are being built in parallel: load what exists.
        try:
            from motcua.geo.services import load_units
        except ImportError:
            return
        load_units(provinces=["46"])
        try:
            from motcua.org.demo import generate_demo_organization
        except ImportError:
            return
        generate_demo_organization(province_code="46")
        try:
            from motcua.catalog.services import import_sample_catalog
        except ImportError:
            return
        import_sample_catalog()
