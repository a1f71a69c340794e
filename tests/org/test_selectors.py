from __future__ import annotations

import datetime as dt

from motcua.geo import selectors as geo_selectors
from motcua.org import selectors
from motcua.org.models import AgencyKind, AgencyLevel, ReceptionPointKind

from .conftest import DAY


def test_agencies_can_be_listed_by_level_and_kinds(demo):
    province_level = selectors.agencies_valid_on(on=DAY, province_code="46", level=AgencyLevel.PROVINCE)
    assert province_level.count() == 2 + 10 + 10 + 3
    centers_and_posts = selectors.agencies_valid_on(
        on=DAY, province_code="46", kind=[AgencyKind.SERVICE_CENTER, AgencyKind.POST_OFFICE]
    )
    assert centers_and_posts.count() == 4
    assert not selectors.agencies_valid_on(on=dt.date(2025, 6, 30), province_code="46").exists()
    assert not selectors.agencies_valid_on(on=DAY, province_code="01").exists()


def test_reception_points_are_the_city_center_the_post_offices_and_the_40_commune_centers(demo):
    points = selectors.reception_points_valid_on(on=DAY, province_code="46")
    assert points.count() == 1 + 3 + 40
    kinds = selectors.reception_points_valid_on(
        on=DAY, province_code="46", kind=ReceptionPointKind.SERVICE_CENTER
    )
    assert kinds.count() == 41
    center = selectors.reception_point_by_code(code="000.00.01.H57", on=DAY)
    assert center is not None and center.agency.kind == AgencyKind.SERVICE_CENTER


def test_a_legacy_commune_has_no_committee_after_the_reform(demo):
    legacy = geo_selectors.unit_by_code(code="19789", on=dt.date(2025, 6, 30))  # Phường Vĩnh Ninh
    assert selectors.commune_committee_for(unit=legacy, on=DAY) is None
    thuan_hoa = geo_selectors.unit_by_code(code="19789", on=DAY)
    committee = selectors.commune_committee_for(unit=thuan_hoa, on=DAY)
    assert committee is not None and committee.name == "Ủy ban nhân dân phường Thuận Hóa"


def test_the_directory_groups_wards_before_communes(demo):
    directory = selectors.province_directory(province_code="46", on=DAY)
    assert directory.province is not None and directory.province.name == "Thành phố Huế"
    assert directory.commune_count == 40
    assert [len(group.units) for group in directory.unit_groups] == [21, 19]
    assert len(directory.departments) == 10 and len(directory.post_offices) == 3
