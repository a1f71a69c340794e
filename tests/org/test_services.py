from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import access
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit
from motcua.org import selectors, services
from motcua.org.models import AgencyKind, AgencyLevel, Role

from .conftest import DAY


def test_create_staff_gives_the_account_its_positions(demo, phu_xuan):
    point = phu_xuan.reception_points.get()
    staff = services.create_staff(
        username="phuxuan.tiepnhan2",
        password="Mot-cua-2025!",
        full_name="Lê Thị Hoa",
        agency=phu_xuan,
        roles=[Role.RECEPTION_OFFICER, Role.CLERK],
        reception_point=point,
        valid_from=dt.date(2025, 9, 1),
    )
    assert staff.user.check_password("Mot-cua-2025!")
    assert selectors.roles_of(user=staff.user, on=DAY) == {
        (Role.RECEPTION_OFFICER, phu_xuan.pk),
        (Role.CLERK, phu_xuan.pk),
    }
    assert access.may_receive_at(user=staff.user, reception_point=point, role=Role.RECEPTION_OFFICER, on=DAY)
    assert not access.positions(user=staff.user, on=dt.date(2025, 8, 31)).filter(role=Role.CLERK).exists()


def test_create_staff_refuses_a_taken_username_or_a_weak_password(demo, phu_xuan):
    with pytest.raises(services.OrganizationError) as taken:
        services.create_staff(
            username="phuxuan.tuphap",
            password="Mot-cua-2025!",
            full_name="X",
            agency=phu_xuan,
            roles=[Role.SPECIALIST],
            valid_from=DAY,
        )
    assert taken.value.code == "staff.username_taken"
    with pytest.raises(services.OrganizationError) as weak:
        services.create_staff(
            username="phuxuan.moi",
            password="12345678",
            full_name="X",
            agency=phu_xuan,
            roles=[Role.SPECIALIST],
            valid_from=DAY,
        )
    assert weak.value.code == "staff.weak_password"
    assert (
        not selectors.staff_with_role(role=Role.SPECIALIST, agency=phu_xuan, on=DAY)
        .filter(user__username="phuxuan.moi")
        .exists()
    )


def test_create_agency_checks_the_code_shape_and_uniqueness(demo, phu_xuan):
    hue = geo_selectors.province(code="46", on=DAY)
    with pytest.raises(services.OrganizationError) as bad:
        services.create_agency(
            code="H57.1",
            name="Sở mới",
            kind=AgencyKind.DEPARTMENT,
            level=AgencyLevel.PROVINCE,
            unit=hue,
            valid_from=DAY,
        )
    assert bad.value.code == "agency.code_format"
    with pytest.raises(services.OrganizationError) as taken:
        services.create_agency(
            code="000.00.10.H57",
            name="Sở mới",
            kind=AgencyKind.DEPARTMENT,
            level=AgencyLevel.PROVINCE,
            unit=hue,
            valid_from=DAY,
        )
    assert taken.value.code == "agency.code_taken"
    created = services.create_agency(
        code="000.00.20.H57",
        name="Sở Ngoại vụ",
        kind=AgencyKind.DEPARTMENT,
        level=AgencyLevel.PROVINCE,
        unit=hue,
        valid_from=DAY,
        parent=selectors.province_committee(province_code="46", on=DAY),
    )
    assert created in selectors.departments(province_code="46", on=DAY)
    assert created not in selectors.departments(province_code="46", on=dt.date(2025, 9, 1))


def test_ending_an_agency_ends_its_reception_points_and_positions(demo, phu_xuan):
    kim_long = selectors.agency_by_code(code="197.74.00.H57", on=DAY)
    end = dt.date(2026, 1, 1)
    services.end_agency(agency=phu_xuan, on=end, successor=kim_long)
    phu_xuan.refresh_from_db()
    assert phu_xuan.successor == kim_long
    unit = phu_xuan.unit
    assert selectors.commune_committee_for(unit=unit, on=DAY) == phu_xuan
    assert selectors.commune_committee_for(unit=unit, on=end) is None
    assert not selectors.reception_points_valid_on(on=end, province_code="46", agency=phu_xuan).exists()
    assert not access.positions(user=phu_xuan.staff.first().user, on=end).filter(agency=phu_xuan).exists()
    assert phu_xuan.positions.filter(valid_to=end).count() == phu_xuan.positions.count() == 6
    with pytest.raises(services.OrganizationError) as again:
        services.end_agency(agency=phu_xuan, on=end)
    assert again.value.code == "agency.already_ended"


def test_ending_an_agency_with_several_successors_records_them_all_the_main_one_first(demo, phu_xuan):
    kim_long = selectors.agency_by_code(code="197.74.00.H57", on=DAY)
    thuan_hoa = selectors.commune_committees(province_code="46", on=DAY).exclude(
        pk__in=[phu_xuan.pk, kim_long.pk]
    )[0]
    end = dt.date(2026, 1, 1)
    services.end_agency(agency=phu_xuan, on=end, successor=kim_long, successors=[thuan_hoa])
    phu_xuan.refresh_from_db()
    assert phu_xuan.successor == kim_long
    assert set(phu_xuan.successors.all()) == {kim_long, thuan_hoa}
    assert selectors.predecessors_of(agency_ids=[thuan_hoa.pk], on=end) == {phu_xuan.pk}
    assert selectors.predecessors_of(agency_ids=[kim_long.pk], on=end) == {phu_xuan.pk}
    assert selectors.predecessors_of(agency_ids=[thuan_hoa.pk], on=end - dt.timedelta(days=1)) == frozenset()


def test_further_successors_need_a_main_one_in_force_on_the_day_the_agency_ends(demo, phu_xuan):
    kim_long = selectors.agency_by_code(code="197.74.00.H57", on=DAY)
    end = dt.date(2026, 1, 1)
    with pytest.raises(services.OrganizationError) as no_main:
        services.end_agency(agency=phu_xuan, on=end, successors=[kim_long])
    assert no_main.value.code == "agency.successor_main"
    with pytest.raises(services.OrganizationError) as itself:
        services.end_agency(agency=phu_xuan, on=end, successor=kim_long, successors=[phu_xuan])
    assert itself.value.code == "agency.successors"
    phu_xuan.refresh_from_db()
    assert phu_xuan.valid_to is None and not phu_xuan.successors.exists()  # nothing changed


def test_successors_added_to_an_ended_agency_keep_its_main_one_and_adding_again_changes_nothing(
    demo, phu_xuan
):
    kim_long = selectors.agency_by_code(code="197.74.00.H57", on=DAY)
    thuan_hoa = selectors.commune_committees(province_code="46", on=DAY).exclude(
        pk__in=[phu_xuan.pk, kim_long.pk]
    )[0]
    end = dt.date(2026, 1, 1)
    with pytest.raises(services.OrganizationError) as in_force:
        services.add_successors(agency=phu_xuan, successors=[kim_long])
    assert in_force.value.code == "agency.not_ended"
    services.end_agency(agency=phu_xuan, on=end)
    services.add_successors(agency=phu_xuan, successors=[kim_long, thuan_hoa])
    services.add_successors(agency=phu_xuan, successors=[thuan_hoa])
    phu_xuan.refresh_from_db()
    assert phu_xuan.successor == kim_long  # none before: the first named
    assert set(phu_xuan.successors.all()) == {kim_long, thuan_hoa}
    assert phu_xuan.successors.through.objects.filter(from_agency=phu_xuan).count() == 2


def test_correcting_an_agency_keeps_its_main_successor_among_its_successors(demo, phu_xuan):
    kim_long = selectors.agency_by_code(code="197.74.00.H57", on=DAY)
    thuan_hoa = selectors.commune_committees(province_code="46", on=DAY).exclude(
        pk__in=[phu_xuan.pk, kim_long.pk]
    )[0]
    end = dt.date(2026, 1, 1)
    fields = {
        f: getattr(phu_xuan, f)
        for f in ("code", "name", "kind", "level", "unit", "valid_from", "parent", "short_name")
    }
    services.change_agency(
        agency=phu_xuan, **fields, valid_to=end, successor=kim_long, successors=[thuan_hoa]
    )
    assert set(phu_xuan.successors.all()) == {kim_long, thuan_hoa}
    services.change_agency(agency=phu_xuan, **fields, valid_to=end, successor=thuan_hoa, successors=[])
    assert set(phu_xuan.successors.all()) == {thuan_hoa}
    services.change_agency(agency=phu_xuan, **fields, valid_to=end, successor=None)
    assert not phu_xuan.successors.exists()


def test_end_position_refuses_a_date_before_it_started(demo, phu_xuan):
    position = phu_xuan.positions.first()
    with pytest.raises(services.OrganizationError) as refused:
        services.end_position(position=position, on=dt.date(2025, 7, 1))
    assert refused.value.code == "position.end_before_start"


def test_a_district_body_sits_on_a_district_and_only_before_1_july_2025(demo):
    before = dt.date(2025, 3, 1)
    district = (
        AdministrativeUnit.objects.valid_on(before).filter(province_code="46", level="district").first()
    )
    hue = AdministrativeUnit.objects.valid_on(before).get(code="46", level="province")
    fields = {
        "code": f"{district.code}.00.92.H57",
        "name": f"Ủy ban nhân dân {district.name}",
        "kind": AgencyKind.PEOPLES_COMMITTEE,
        "level": AgencyLevel.DISTRICT,
        "unit": district,
        "valid_from": before,
    }
    with pytest.raises(services.OrganizationError) as wrong_unit:
        services.create_agency(**(fields | {"unit": hue}))
    assert wrong_unit.value.code == "agency.unit_level"
    with pytest.raises(services.OrganizationError) as too_late:
        services.create_agency(**(fields | {"valid_to": dt.date(2025, 7, 2)}))
    assert too_late.value.code == "agency.district_after_reform" and "01/07/2025" in str(too_late.value)
    created = services.create_agency(**(fields | {"valid_to": dt.date(2025, 7, 1)}))
    assert created.level == AgencyLevel.DISTRICT and created.get_level_display() == "cấp huyện"
    assert not created.is_valid_on(dt.date(2025, 7, 1))
