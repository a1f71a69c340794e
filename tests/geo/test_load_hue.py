"""Huế's geography as the session fixture loads it (load_units(provinces=["46"]))."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession
from motcua.geo.selectors import communes_of, province, successors_of, unit_by_code

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 30)


def test_hue_is_province_46_with_21_wards_and_19_communes():
    hue = province(code="46", on=REFORM)
    communes = communes_of(province_code="46", on=REFORM)
    assert hue.name == "Thành phố Huế"
    assert hue.unit_type == "thanh_pho_tw"
    assert communes.count() == 40
    assert communes.filter(unit_type="phuong").count() == 21
    assert communes.filter(unit_type="xa").count() == 19
    assert all(commune.parent_id == hue.pk for commune in communes)


@pytest.mark.parametrize(
    ("code", "name"),
    [("19789", "Phường Thuận Hóa"), ("19753", "Phường Phú Xuân"), ("19942", "Xã Phú Vang")],
)
def test_2025_communes_carry_gso_codes_and_names(code, name):
    assert unit_by_code(code=code, on=REFORM).name == name


def test_a_reused_code_names_different_units_before_and_after_the_reform():
    assert unit_by_code(code="19789", on=BEFORE).name == "Phường Phú Nhuận"
    assert unit_by_code(code="19789", on=REFORM).name == "Phường Thuận Hóa"


def test_pre_2025_hue_has_nine_districts_and_133_communes_ending_on_the_reform_day():
    districts = AdministrativeUnit.objects.valid_on(BEFORE).filter(province_code="46", level=Level.DISTRICT)
    communes = communes_of(province_code="46", on=BEFORE)
    assert districts.count() == 9
    assert communes.count() == 133
    assert set(communes.values_list("valid_to", flat=True)) == {REFORM}
    assert set(districts.values_list("valid_to", flat=True)) == {REFORM}
    assert {commune.parent.level for commune in communes.select_related("parent")} == {Level.DISTRICT}


def test_no_district_is_in_force_after_the_reform():
    assert not AdministrativeUnit.objects.valid_on(REFORM).filter(level=Level.DISTRICT).exists()


def test_legacy_phu_hoi_was_absorbed_into_thuan_hoa():
    phu_hoi = AdministrativeUnit.objects.get(name="Phường Phú Hội", province_code="46", valid_to=REFORM)
    assert [unit.name for unit in successors_of(phu_hoi)] == ["Phường Thuận Hóa"]
    assert phu_hoi.parent.name == "Quận Thuận Hóa"


def test_every_legacy_hue_commune_has_exactly_one_default_successor_in_hue():
    for commune in communes_of(province_code="46", on=BEFORE):
        links = UnitSuccession.objects.filter(predecessor=commune)
        assert links.filter(is_default=True).count() == 1, commune
        assert {link.successor.province_code for link in links} == {"46"}
        assert all(link.effective_on == REFORM for link in links)


def test_old_hue_province_is_succeeded_by_new_hue():
    old = province(code="46", on=BEFORE)
    assert [unit.pk for unit in successors_of(old)] == [province(code="46", on=REFORM).pk]


def test_every_row_has_a_province_code_and_a_search_key():
    assert not AdministrativeUnit.objects.filter(province_code="").exists()
    phu_vang = unit_by_code(code="19942", on=REFORM)
    assert phu_vang.search_key == "xa phu vang"
    assert phu_vang.short_name == "Phú Vang"
