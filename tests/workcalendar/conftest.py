"""Fixtures for the calendar tests: a fresh in-memory calendar and demo agencies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from motcua.calendar import selectors
from motcua.org.models import Agency


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    """Each test starts and ends with an empty in-memory calendar (rolled-back rows must not linger)."""
    selectors.clear_cache()
    yield
    selectors.clear_cache()


@pytest.fixture
def agency(db) -> Agency:
    """An agency of the Huế demo organization."""
    found = Agency.objects.filter(province_code="46").order_by("code").first()
    assert found is not None, "the demo organization should be loaded by tests/conftest.py"
    return found


@pytest.fixture
def other_agency(db, agency) -> Agency:
    found = Agency.objects.filter(province_code="46").exclude(pk=agency.pk).order_by("code").first()
    assert found is not None
    return found
