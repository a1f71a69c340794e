import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.workspace.cccd import parse_cccd_qr

SAMPLE = "046195001234|191234567|Phan Thị Mai|15031995|Nữ|12 Lê Lợi, Phường Phú Xuân, Thành phố Huế|01072021"


def test_a_well_formed_qr_string_gives_every_field():
    data = parse_cccd_qr(SAMPLE)
    assert data.id_number == "046195001234"
    assert data.old_id_number == "191234567"
    assert data.name == "Phan Thị Mai"
    assert data.birth_date == dt.date(1995, 3, 15)
    assert data.sex == "Nữ"
    assert data.address.startswith("12 Lê Lợi")
    assert data.issued_on == dt.date(2021, 7, 1)


def test_the_old_id_may_be_empty_and_spaces_around_the_string_are_ignored():
    data = parse_cccd_qr("  046195001234||Lê Văn An|01011980|Nam|Huế|02022022\n")
    assert data.old_id_number == ""
    assert data.name == "Lê Văn An"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("046195001234|Phan Thị Mai", "cccd.bad_format"),
        ("04619500123|191234567|Phan Thị Mai|15031995|Nữ|Huế|01072021", "cccd.bad_id"),
        ("046195001234|1912|Phan Thị Mai|15031995|Nữ|Huế|01072021", "cccd.bad_old_id"),
        ("046195001234|191234567||15031995|Nữ|Huế|01072021", "cccd.no_name"),
        ("046195001234|191234567|Phan Thị Mai|1995-03-15|Nữ|Huế|01072021", "cccd.bad_date"),
        ("046195001234|191234567|Phan Thị Mai|31021995|Nữ|Huế|01072021", "cccd.bad_date"),
        ("046195001234|191234567|Phan Thị Mai|15031995|Nữ|Huế|01071990", "cccd.bad_dates"),
    ],
)
def test_a_malformed_qr_string_is_refused_with_a_precise_reason(text, code):
    with pytest.raises(DomainError) as caught:
        parse_cccd_qr(text)
    assert caught.value.code == code
    assert str(caught.value)


def test_a_cccd_issued_before_july_2024_is_a_cccd_with_a_permanent_residence():
    data = parse_cccd_qr(SAMPLE)
    assert data.kind == "cccd"
    assert data.address_label == "Nơi thường trú"
    assert data.expires_on is None


def test_a_can_cuoc_card_may_carry_fields_after_the_seventh():
    data = parse_cccd_qr(
        "046195001234||Phan Thị Mai|15031995|Nữ|Phường Thuận Hóa, Thành phố Huế|15082024|15032035|x|"
    )
    assert data.kind == "can_cuoc"
    assert data.address_label == "Nơi cư trú"
    assert data.issued_on == dt.date(2024, 8, 15)
    assert data.expires_on == dt.date(2035, 3, 15)
    assert data.extra == ("15032035", "x")


def test_a_seven_field_card_issued_after_the_identification_law_is_a_can_cuoc():
    data = parse_cccd_qr("046195001234||Phan Thị Mai|15031995|Nữ|Huế|02092024")
    assert data.kind == "can_cuoc"


@pytest.mark.django_db
def test_the_card_address_is_read_as_of_the_day_of_issue():
    from motcua.workspace.cccd import address_reading

    # Xã Phú Vinh: a 2025 commune of that name, and an A Lưới commune before; a card of 2021 means the latter.
    card = parse_cccd_qr("046195001234||Lê Văn An|01011980|Nam|Xã Phú Vinh, Thành phố Huế|02022021")
    reading = address_reading(card)
    assert reading.commune.name == "Xã A Lưới 3"
    assert reading.legacy_unit.name == "Xã Phú Vinh"
