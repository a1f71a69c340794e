"""Loading some provinces brings the pre-2025 provinces merged into them, and only those."""

from __future__ import annotations

import pytest

from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession
from motcua.geo.services import load_units

pytestmark = pytest.mark.django_db


def test_loading_tay_ninh_brings_old_tay_ninh_and_long_an_with_their_districts_and_communes():
    load_units(provinces=["80"])

    current = AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
    legacy = AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=False)
    assert set(current.values_list("code", flat=True)) == {"46", "80"}  # 46: the session's Huế
    assert set(legacy.values_list("code", flat=True)) == {"46", "72", "80"}
    for old in legacy.exclude(code="46"):
        link = UnitSuccession.objects.get(predecessor=old)
        assert (link.successor.code, link.partial, link.is_default) == ("80", False, True)
    assert AdministrativeUnit.objects.filter(province_code="80", level=Level.DISTRICT).exists()


def test_a_commune_the_gso_table_files_under_the_wrong_province_still_links_to_its_successor():
    load_units(provinces=["80"])

    ward_four = AdministrativeUnit.objects.get(code="27691", valid_to__isnull=False)
    assert ward_four.name == "Phường 4"
    assert ward_four.province_code == "80"
    assert [link.successor.name for link in UnitSuccession.objects.filter(predecessor=ward_four)] == [
        "Phường Long An"
    ]
