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
