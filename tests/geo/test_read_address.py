"""The address presenter: what a page proposes and how it names the old unit beside the 2025 one."""

from __future__ import annotations

import pytest

from motcua.geo.selectors import read_address

pytestmark = pytest.mark.django_db


def test_an_old_address_is_proposed_as_its_2025_commune_with_the_old_unit_beside_it():
    reading = read_address("12 Lê Lợi, P. Vĩnh Ninh, TP. Huế, Thừa Thiên Huế")
    assert reading.recognised and not reading.ambiguous
    assert reading.commune.code == "19789"
    assert reading.label == "Phường Thuận Hóa, Thành phố Huế (trước đây: Phường Vĩnh Ninh, Quận Thuận Hóa)"
    assert reading.address_2025 == "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế"


def test_a_2025_address_is_named_without_a_former_unit():
    reading = read_address("Thôn 3, Xã Phú Vang, Thành phố Huế")
    assert reading.label == "Xã Phú Vang, Thành phố Huế"
    assert reading.address_2025 == "Thôn 3, Xã Phú Vang, Thành phố Huế"


def test_an_ambiguous_address_proposes_nothing_and_lists_the_candidates():
    reading = read_address("Xã Hương Phong, TP Huế, Thừa Thiên Huế")
    assert reading.recognised and reading.ambiguous
    assert reading.commune is None and reading.label == "" and reading.address_2025 == ""
    assert [label for _unit, label in reading.candidate_labels] == [
        "Phường Hóa Châu, Thành phố Huế (trước đây: Phường Hương Phong, Quận Thuận Hóa)",
        "Xã A Lưới 4, Thành phố Huế (trước đây: Xã Hương Phong, Huyện A Lưới)",
    ]


@pytest.mark.parametrize("text", ["", "   ", "không có địa chỉ", "Thừa Thiên Huế"])
def test_text_naming_no_commune_is_not_recognised(text):
    reading = read_address(text)
    assert not reading.recognised
    assert reading.commune is None and reading.label == ""
