"""Never a confident wrong answer: names shared by units that went to different 2025 communes."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.geo.selectors import normalize_address

pytestmark = pytest.mark.django_db


def _candidate_codes(result):
    return [candidate.commune.code for candidate in result.candidates]


def test_a_name_two_old_communes_shared_is_ambiguous_without_a_district():
    # Xã Hương Phong (Thành phố Huế until 2024, then Phường Hương Phong) and Xã Hương Phong (A Lưới).
    result = normalize_address("Xã Hương Phong, TP Huế, Thừa Thiên Huế")
    assert result is not None
    assert result.ambiguous
    assert result.commune is None
    assert _candidate_codes(result) == ["20014", "20101"]
    assert result.province.code == "46"
    assert result.confidence == 0


def test_a_district_that_fits_one_of_the_namesakes_decides():
    result = normalize_address("Xã Hương Phong, huyện A Lưới, tỉnh Thừa Thiên Huế")
    assert result is not None
    assert not result.ambiguous
    assert result.commune.name == "Xã A Lưới 4"
    assert result.legacy_unit.name == "Xã Hương Phong"


def test_a_district_that_fits_neither_namesake_is_ambiguous():
    # Hương Phong was a xã of Hương Trà before 2021; the data holds it as a ward of Quận Thuận Hóa.
    result = normalize_address("xã Hương Phong, thị xã Hương Trà, Thừa Thiên Huế")
    assert result is not None
    assert result.ambiguous
    assert _candidate_codes(result) == ["20014", "20101"]


def test_a_2025_name_that_an_old_commune_also_carried_is_ambiguous_without_a_date():
    result = normalize_address("Xã Phú Vinh, Thành phố Huế")
    assert result is not None
    assert result.ambiguous
    assert {(c.commune.name, c.legacy_unit.name if c.legacy_unit else None) for c in result.candidates} == {
        ("Xã Phú Vinh", None),
        ("Xã A Lưới 3", "Xã Phú Vinh"),
    }


def test_the_day_the_address_was_written_decides_between_the_periods():
    after = normalize_address("Xã Phú Vinh, Thành phố Huế", on=dt.date(2025, 9, 1))
    before = normalize_address("Xã Phú Vinh, Thành phố Huế", on=dt.date(2024, 9, 1))
    assert after is not None and before is not None
    assert after.commune.code == "19945" and not after.ambiguous
    assert before.commune.code == "20071" and before.legacy_unit.name == "Xã Phú Vinh"


def test_a_2025_commune_fits_the_old_district_its_predecessors_were_in():
    result = normalize_address("xã Phú Vinh, huyện Phú Vang, Thừa Thiên Huế")
    assert result is not None
    assert not result.ambiguous
    assert result.commune.code == "19945"


def test_a_ward_named_in_full_is_not_confused_with_a_xa_of_the_same_name():
    # "Phường Hương Xuân" can only be the Hương Trà ward: a xã never became a phường backwards.
    result = normalize_address("Phường Hương Xuân, Thành phố Huế")
    assert result is not None
    assert not result.ambiguous
    assert result.commune.name == "Phường Kim Trà"


def test_a_former_district_name_kept_as_an_alias_still_decides():
    # Huyện Nam Đông was merged into Huyện Phú Lộc on 1 January 2025 (Resolution 1314/NQ-UBTVQH15).
    result = normalize_address("xã Hương Xuân, huyện Nam Đông, Thừa Thiên Huế")
    assert result is not None
    assert not result.ambiguous
    assert result.commune.name == "Xã Nam Đông"
