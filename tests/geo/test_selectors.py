"""Reading units by day, code, province and level."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.geo.models import Level
from motcua.geo.selectors import communes_of, province, unit_by_code, units_valid_on

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)


def test_units_valid_on_a_day_filter_by_province_and_level():
    after = units_valid_on(on=REFORM, province_code="46")
    before = units_valid_on(on=dt.date(2025, 6, 30), province_code="46", level=Level.DISTRICT)
    assert after.count() == 41
    assert before.count() == 9
    assert set(after.values_list("level", flat=True)) == {Level.PROVINCE, Level.COMMUNE}


def test_communes_of_a_province_come_in_name_order():
    names = [unit.search_key for unit in communes_of(province_code="46", on=REFORM)]
    assert names == sorted(names)


def test_a_missing_province_is_a_domain_error():
    with pytest.raises(DomainError) as missing:
        province(code="99", on=REFORM)
    assert missing.value.code == "geo.province_not_found"


def test_a_code_unused_on_a_day_is_a_domain_error():
    with pytest.raises(DomainError) as missing:
        unit_by_code(code="19786", on=REFORM)
    assert missing.value.code == "geo.unit_not_found"
    assert unit_by_code(code="19786", on=dt.date(2020, 1, 1)).name == "Phường Phú Hội"


def test_a_unit_saved_by_hand_gets_its_search_key():
    unit = unit_by_code(code="19942", on=REFORM)
    unit.name = "Xã Phú Vang Đông"
    unit.save()
    unit.refresh_from_db()
    assert unit.search_key == "xa phu vang dong"
