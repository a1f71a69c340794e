"""Free-text addresses, old or new, read into 2025 communes."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.geo.selectors import normalize_address

pytestmark = pytest.mark.django_db


def test_an_old_address_with_district_and_old_province_maps_to_its_2025_ward():
    result = normalize_address("Phường Phú Hội, TP Huế, Thừa Thiên Huế")
    assert result is not None
    assert result.commune.name == "Phường Thuận Hóa"
    assert result.province.code == "46"
    assert result.legacy_unit.name == "Phường Phú Hội"
    assert result.method == "legacy"
    assert result.confidence >= 0.8


def test_an_address_without_diacritics_or_commas_is_understood():
    result = normalize_address("phuong phu hoi thanh pho hue")
    assert result is not None
    assert result.commune.code == "19789"
    assert result.legacy_unit.name == "Phường Phú Hội"


def test_a_new_form_address_matches_the_2025_commune_directly():
    result = normalize_address("Xã Phú Vang, Thành phố Huế")
    assert result is not None
    assert result.commune.code == "19942"
    assert result.legacy_unit is None
    assert result.method == "new"
    assert result.confidence > 0.9


def test_abbreviations_are_expanded_and_the_street_is_kept():
    result = normalize_address("12 Lê Lợi, P. Vĩnh Ninh, Q. Thuận Hóa, TP. Huế")
    assert result is not None
    assert result.commune.name == "Phường Thuận Hóa"
    assert result.legacy_unit.name == "Phường Vĩnh Ninh"
    assert result.street == "12 Lê Lợi"


def test_a_district_name_inside_a_commune_name_does_not_hide_the_commune():
    result = normalize_address("Thôn 3, xa Phu Vang, Hue")
    assert result is not None
    assert result.commune.code == "19942"
    assert result.street == "Thôn 3"


def test_an_address_without_province_is_matched_with_lower_confidence():
    with_province = normalize_address("Phường Phú Hội, Thành phố Huế")
    without = normalize_address("Phường Phú Hội")
    assert without is not None and with_province is not None
    assert without.commune == with_province.commune
    assert without.confidence < with_province.confidence
    assert without.method.endswith("no-province")


def test_a_date_before_the_reform_prefers_the_old_reading_of_a_name_used_in_both_periods():
    old = normalize_address("Phường Vỹ Dạ, Huế", on=dt.date(2024, 5, 1))
    new = normalize_address("Phường Vỹ Dạ, Huế", on=dt.date(2025, 8, 1))
    assert old is not None and new is not None
    assert old.legacy_unit is not None and old.legacy_unit.name == "Phường Vỹ Dạ"
    assert new.legacy_unit is None
    assert old.commune == new.commune


def test_a_province_alone_gives_the_province_with_low_confidence():
    result = normalize_address("Thừa Thiên Huế")
    assert result is not None
    assert result.commune is None
    assert result.province.code == "46"
    assert result.confidence <= 0.3


@pytest.mark.parametrize("text", ["", "asdf qwer zxcv", "1234 !!!", "lorem ipsum dolor"])
def test_garbage_is_not_an_address(text):
    assert normalize_address(text) is None


def test_a_district_without_province_names_the_province():
    result = normalize_address("P. Phú Hội, Q. Thuận Hóa")
    assert result is not None
    assert result.commune.name == "Phường Thuận Hóa"
    assert result.method == "legacy-by-district"
    assert 0.5 < result.confidence < 0.9


def test_a_dangling_type_word_is_not_left_in_the_street():
    result = normalize_address("Kiệt 5 TT Thuận An, H. Phú Vang, T. Thừa Thiên Huế")
    assert result is not None
    assert result.commune.name == "Phường Thuận An"
    assert result.street == "Kiệt 5"
