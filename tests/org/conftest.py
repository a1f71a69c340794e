"""Fixtures for the organization tests: the Huế demo world is loaded by tests/conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.org import selectors
from motcua.org.demo import DEMO_DATE, generate_demo_organization

DAY = dt.date(2025, 9, 15)


@pytest.fixture
def demo(db):
    """The demo accounts (the session already generated the organization: this call creates nothing)."""
    return generate_demo_organization(province_code="46")


@pytest.fixture
def phu_xuan(demo):
    """UBND phường Phú Xuân (GSO 19753)."""
    agency = selectors.agency_by_code(code="197.53.00.H57", on=DEMO_DATE)
    assert agency is not None
    return agency
