"""Loading twice changes nothing; loading repairs what was changed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.geo.models import AdministrativeUnit, UnitSuccession
from motcua.geo.services import load_units

pytestmark = pytest.mark.django_db


def test_a_second_load_creates_and_updates_nothing():
    units_before = AdministrativeUnit.objects.count()
    links_before = UnitSuccession.objects.count()
    messages: list[str] = []

    counts = load_units(provinces=["46"], progress=messages.append)

    assert counts["units_created"] == counts["units_updated"] == 0
    assert counts["successions_created"] == counts["successions_updated"] == 0
    assert counts["units_unchanged"] == 184
    assert counts["successions_unchanged"] == 134
    assert AdministrativeUnit.objects.count() == units_before
    assert UnitSuccession.objects.count() == links_before
    assert any("184 không đổi" in message for message in messages)


def test_a_load_restores_a_name_edited_by_hand():
    unit = AdministrativeUnit.objects.get(code="19789", valid_from=dt.date(2025, 7, 1))
    unit.name = "Phường Sai Tên"
    unit.save()

    counts = load_units(provinces=["46"])

    unit.refresh_from_db()
    assert unit.name == "Phường Thuận Hóa"
    assert counts["units_updated"] == 1


def test_a_load_recreates_a_deleted_succession():
    UnitSuccession.objects.filter(
        predecessor__name="Phường Phú Hội", predecessor__province_code="46"
    ).delete()

    counts = load_units(provinces=["46"])

    assert counts["successions_created"] == 1
    assert UnitSuccession.objects.filter(
        predecessor__name="Phường Phú Hội",
        predecessor__province_code="46",
        successor__name="Phường Thuận Hóa",
    ).exists()


def test_an_unknown_province_is_refused_and_nothing_is_loaded():
    before = AdministrativeUnit.objects.count()
    with pytest.raises(DomainError) as refused:
        load_units(provinces=["99"])
    assert refused.value.code == "geo.unknown_province"
    assert AdministrativeUnit.objects.count() == before
