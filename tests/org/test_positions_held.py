"""Who holds which position on a day: the one definition the dossier access policy acts on (active staff,
active account, position and agency in force), and where reception officers and postal staff receive."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from motcua.dossiers import access
from motcua.org import selectors, services
from motcua.org.models import Role

from .conftest import DAY


def user(username):
    return get_user_model().objects.get(username=username)


def agency(code):
    found = selectors.agency_by_code(code=code, on=DAY)
    assert found is not None
    return found


def holds(who, role, at, on=DAY):
    return access.positions(user=who, on=on).filter(role=role, agency=at).exists()


def test_a_commune_specialist_holds_a_position_only_at_their_own_agency(demo, phu_xuan):
    specialist = user("phuxuan.tuphap")
    kim_long = agency("197.74.00.H57")
    assert holds(specialist, Role.SPECIALIST, phu_xuan)
    assert not holds(specialist, Role.SPECIALIST, kim_long)
    assert not holds(specialist, Role.LEADER, phu_xuan)
    assert selectors.roles_of(user=specialist, on=DAY) == {(Role.SPECIALIST, phu_xuan.pk)}


def test_an_ended_position_no_longer_counts(demo, phu_xuan):
    specialist = user("phuxuan.tuphap")
    position = specialist.staff.positions.get()
    services.end_position(position=position, on=dt.date(2025, 9, 1))
    assert holds(specialist, Role.SPECIALIST, phu_xuan, on=dt.date(2025, 8, 31))
    assert not holds(specialist, Role.SPECIALIST, phu_xuan, on=dt.date(2025, 9, 1))
    assert selectors.roles_of(user=specialist, on=DAY) == set()
    assert specialist.staff not in selectors.staff_with_role(role=Role.SPECIALIST, agency=phu_xuan, on=DAY)


def test_nobody_holds_a_position_before_the_organization_exists(demo, phu_xuan):
    assert not holds(user("phuxuan.tuphap"), Role.SPECIALIST, phu_xuan, on=dt.date(2025, 6, 30))


def test_the_administrator_and_the_auditor_are_placed_at_a_province_agency(demo, phu_xuan):
    administrator = access.actor(user("hue.quantri"), DAY)
    assert administrator.holds(Role.ADMINISTRATOR, province="46")
    assert not administrator.holds(Role.SPECIALIST, {phu_xuan.pk})
    auditor = access.actor(user("hue.thanhtra"), DAY)
    assert auditor.holds(Role.AUDITOR, province="46")
    assert not auditor.holds(Role.ADMINISTRATOR, province="46")


def test_a_citizen_or_anonymous_visitor_holds_no_position(demo, phu_xuan):
    assert not access.positions(user=AnonymousUser(), on=DAY).exists()
    assert selectors.roles_of(user=AnonymousUser(), on=DAY) == set()
    citizen = get_user_model().objects.create_user(username="citizen1", password="x" * 12)
    assert not access.positions(user=citizen, on=DAY).exists()


def test_a_disabled_account_holds_no_position(demo, phu_xuan):
    staff = user("phuxuan.lanhdao").staff
    services.deactivate_staff(staff=staff, on=dt.date(2025, 9, 1))
    assert not holds(user("phuxuan.lanhdao"), Role.LEADER, phu_xuan, on=dt.date(2025, 8, 1))
    assert not selectors.staff_with_role(role=Role.LEADER, agency=phu_xuan, on=dt.date(2025, 8, 1)).exists()


def test_reception_officers_receive_at_their_own_center_only(demo, phu_xuan):
    officer = user("phuxuan.tiepnhan")
    own = phu_xuan.reception_points.get()
    other = agency("197.74.00.H57").reception_points.get()
    assert access.may_receive_at(user=officer, reception_point=own, role=Role.RECEPTION_OFFICER, on=DAY)
    assert not access.may_receive_at(user=officer, reception_point=other, role=Role.RECEPTION_OFFICER, on=DAY)
    assert not access.may_receive_at(user=officer, reception_point=own, role=Role.POSTAL_STAFF, on=DAY)
    postal = user("buudienhue.nhanvien")
    office = selectors.post_offices(province_code="46", on=DAY).first()
    point = office.reception_points.get()
    assert access.may_receive_at(user=postal, reception_point=point, role=Role.POSTAL_STAFF, on=DAY)
    assert not access.may_receive_at(user=postal, reception_point=own, role=Role.POSTAL_STAFF, on=DAY)
