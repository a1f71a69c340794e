"""The whole country, both periods, in one load."""

from __future__ import annotations

import pytest
from django.db.models import Count

from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession
from motcua.geo.selectors import normalize_address
from motcua.geo.services import load_units

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_national_load_gives_34_provinces_3321_communes_and_links_every_old_commune():
    counts = load_units()

    current = AdministrativeUnit.objects.filter(valid_to__isnull=True)
    legacy = AdministrativeUnit.objects.filter(valid_to__isnull=False)
    assert counts["units_created"] + counts["units_unchanged"] == AdministrativeUnit.objects.count()
    assert current.filter(level=Level.PROVINCE).count() == 34
    assert dict(
        current.filter(level=Level.COMMUNE)
        .values_list("unit_type")
        .annotate(n=Count("id"))
        .values_list("unit_type", "n")
    ) == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert legacy.filter(level=Level.PROVINCE).count() == 63
    assert legacy.filter(level=Level.DISTRICT).count() == 696
    assert legacy.filter(level=Level.COMMUNE).count() == 10035
    orphans = legacy.filter(level=Level.COMMUNE).exclude(succession_out__is_default=True)
    assert not orphans.exists()
    assert not legacy.filter(level=Level.PROVINCE).exclude(succession_out__isnull=False).exists()
    tien_giang = UnitSuccession.objects.filter(predecessor__code="82", predecessor__valid_to__isnull=False)
    assert list(tien_giang.values_list("successor__name", "partial")) == [("Tỉnh Đồng Tháp", False)]

    again = load_units()

    assert again["units_created"] == again["units_updated"] == 0
    assert again["successions_created"] == again["successions_updated"] == 0


def test_after_a_national_load_saigon_addresses_map_to_their_2025_wards():
    load_units()

    ben_nghe = normalize_address("123 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh")
    ward_one = normalize_address("P.1, Q.3, TP.HCM")
    hue = normalize_address("Phường Phú Hội, TP Huế, Thừa Thiên Huế")
    by_district = normalize_address("Phường 1, Quận 3")

    assert ben_nghe is not None and ben_nghe.commune.name == "Phường Sài Gòn"
    assert ben_nghe.street == "123 Nguyễn Huệ"
    assert ward_one is not None and ward_one.commune.name == "Phường Bàn Cờ"
    assert ward_one.legacy_unit.parent.name == "Quận 3"
    assert hue is not None and hue.commune.name == "Phường Thuận Hóa"
    assert by_district is not None and by_district.commune == ward_one.commune
