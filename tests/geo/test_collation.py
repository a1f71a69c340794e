"""Vietnamese alphabetical order of names (geo.collation), as every list of communes uses it."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from motcua.geo.collation import collation_key, sorted_by_name
from motcua.geo.selectors import commune_choices, communes_of

REFORM = dt.date(2025, 7, 1)


def test_d_with_stroke_comes_after_d_and_before_e():
    names = ["Xã Ea", "Xã Đan Điền", "Xã Zô", "Xã Dương Nỗ", "Xã Điền Lộc", "Xã Đa Lộc"]
    assert sorted(names, key=collation_key) == [
        "Xã Dương Nỗ",
        "Xã Đa Lộc",
        "Xã Đan Điền",
        "Xã Điền Lộc",
        "Xã Ea",
        "Xã Zô",
    ]


def test_letters_with_breve_circumflex_and_horn_are_letters_of_their_own():
    words = ["ư", "u", "ơ", "ô", "o", "ê", "e", "â", "ă", "a", "đ", "d", "b"]
    alphabet = ["a", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"]
    assert sorted(words, key=collation_key) == alphabet


def test_tones_weigh_less_than_letters_in_dictionary_order():
    words = ["Họa", "Hóa", "Hỏa", "Hòa", "Hoa", "Hõa", "Hoan"]
    assert sorted(words, key=collation_key) == ["Hoa", "Hòa", "Hỏa", "Hõa", "Hóa", "Họa", "Hoan"]


def test_a_shorter_word_comes_first():
    assert sorted(["Xã Đan Điền", "Xã Đa Lộc"], key=collation_key) == ["Xã Đa Lộc", "Xã Đan Điền"]


def test_composed_and_decomposed_spellings_sort_alike():
    composed = "Phường Thuận Hóa"
    assert collation_key(composed) == collation_key(unicodedata.normalize("NFD", composed))


def test_sorted_by_name_reads_the_name_attribute():
    class Unit:
        def __init__(self, name: str) -> None:
            self.name = name

    assert [u.name for u in sorted_by_name([Unit("Xã Đan Điền"), Unit("Xã Dương Nỗ")])] == [
        "Xã Dương Nỗ",
        "Xã Đan Điền",
    ]


@pytest.mark.django_db
def test_the_communes_of_hue_are_listed_in_vietnamese_order():
    names = [unit.name for unit in commune_choices(province_code="46", on=REFORM)]
    assert names == sorted(names, key=collation_key)
    assert len(names) == communes_of(province_code="46", on=REFORM).count() == 40
    # Among the Đ's, after the D's and before the E…Y names (code points put it last).
    position = names.index("Xã Đan Điền")
    after = names[position + 1 :]
    assert after and all(not name.startswith("Xã D") for name in after)
    assert "Xã Phú Vang" in after


@pytest.mark.django_db
def test_the_portal_lists_communes_in_vietnamese_order(client):
    from django.urls import reverse
    from django.utils import timezone

    from motcua.org.selectors import province_directory

    listed = client.get(reverse("portal:communes"), {"tinh": "46"}).json()["communes"]
    names = [c["name"] for c in listed]
    assert names == sorted(names, key=collation_key) and "Xã Đan Điền" in names
    directory = province_directory(province_code="46", on=timezone.localdate())
    for group in directory.unit_groups:
        in_group = [u.name for u in group.units]
        assert in_group == sorted(in_group, key=collation_key)
