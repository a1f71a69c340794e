"""The `motcua geo load` command and the admin pages."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_geo_load_for_one_province_prints_progress_and_counts():
    out = StringIO()
    call_command("geo", "load", "--province", "46", stdout=out)
    text = out.getvalue()
    assert "Nạp 40 xã, phường, đặc khu" in text
    assert "units_created=0" in text
    assert "units_unchanged=184" in text


def test_geo_load_of_an_unknown_province_fails_with_a_message():
    with pytest.raises(CommandError, match="99"):
        call_command("geo", "load", "--province", "99", stdout=StringIO())


def test_admin_lists_units_by_search_and_filters(admin_client):
    response = admin_client.get(
        "/admin/geo/administrativeunit/", {"q": "thuan hoa", "period": "current", "province_code": "46"}
    )
    assert response.status_code == 200
    assert "Phường Thuận Hóa" in response.content.decode()


def test_admin_unit_page_shows_successors(admin_client):
    phu_hoi = AdministrativeUnit.objects.get(name="Phường Phú Hội", province_code="46")
    response = admin_client.get(f"/admin/geo/administrativeunit/{phu_hoi.pk}/change/")
    assert response.status_code == 200
    assert "Phường Thuận Hóa" in response.content.decode()


def test_admin_lists_successions(admin_client):
    response = admin_client.get("/admin/geo/unitsuccession/", {"q": "Phú Hội"})
    assert response.status_code == 200
    assert "Phường Thuận Hóa" in response.content.decode()


def test_geo_compare_lists_the_disagreements_between_the_packages():
    out = StringIO()
    call_command("geo", "compare", stdout=out)
    text = out.getvalue()
    assert "new commune name: 11" in text
    assert "new province name: 3" in text
    assert "GSO: Xã Thuận Hoà  |  vietnamadminunits: Xã Thuận Hòa" in text
    assert "gone by 30 June 2025: 26" in text
