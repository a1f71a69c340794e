from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from motcua.org import policy, selectors, services
from motcua.org.models import Role

from .conftest import DAY


def user(username):
    return get_user_model().objects.get(username=username)


def agency(code):
    found = selectors.agency_by_code(code=code, on=DAY)
    assert found is not None
    return found


def test_a_commune_specialist_may_act_only_at_their_own_agency(demo, phu_xuan):
    specialist = user("phuxuan.tuphap")
    kim_long = agency("197.74.00.H57")
    assert policy.may_act(user=specialist, role=Role.SPECIALIST, agency=phu_xuan, on=DAY)
    assert not policy.may_act(user=specialist, role=Role.SPECIALIST, agency=kim_long, on=DAY)
    assert not policy.may_act(user=specialist, role=Role.LEADER, agency=phu_xuan, on=DAY)
    assert selectors.roles_of(user=specialist, on=DAY) == {(Role.SPECIALIST, phu_xuan.pk)}


def test_an_ended_position_no_longer_counts(demo, phu_xuan):
    specialist = user("phuxuan.tuphap")
    position = specialist.staff.positions.get()
    services.end_position(position=position, on=dt.date(2025, 9, 1))
    assert policy.may_act(user=specialist, role=Role.SPECIALIST, agency=phu_xuan, on=dt.date(2025, 8, 31))
    assert not policy.may_act(user=specialist, role=Role.SPECIALIST, agency=phu_xuan, on=dt.date(2025, 9, 1))
    assert selectors.roles_of(user=specialist, on=DAY) == set()
    assert specialist.staff not in selectors.staff_with_role(role=Role.SPECIALIST, agency=phu_xuan, on=DAY)


def test_nobody_acts_before_the_organization_exists(demo, phu_xuan):
    assert not policy.may_act(
        user=user("phuxuan.tuphap"), role=Role.SPECIALIST, agency=phu_xuan, on=dt.date(2025, 6, 30)
    )


def test_the_administrator_acts_at_every_agency_of_the_province(demo, phu_xuan):
    administrator = user("hue.quantri")
    assert policy.may_act(user=administrator, role=Role.ADMINISTRATOR, agency=phu_xuan, on=DAY)
    assert not policy.may_act(user=administrator, role=Role.SPECIALIST, agency=phu_xuan, on=DAY)
    assert len(policy.agencies_where(user=administrator, role=Role.ADMINISTRATOR, on=DAY)) == 65
    auditor = user("hue.thanhtra")
    assert policy.may_act(user=auditor, role=Role.AUDITOR, agency=agency("000.00.10.H57"), on=DAY)
    assert not policy.may_act(user=auditor, role=Role.ADMINISTRATOR, agency=phu_xuan, on=DAY)


def test_a_citizen_or_anonymous_visitor_holds_no_role(demo, phu_xuan):
    assert not policy.may_act(user=AnonymousUser(), role=Role.RECEPTION_OFFICER, agency=phu_xuan, on=DAY)
    assert selectors.roles_of(user=AnonymousUser(), on=DAY) == set()
    citizen = get_user_model().objects.create_user(username="citizen1", password="x" * 12)
    assert not policy.may_act(user=citizen, role=Role.RECEPTION_OFFICER, agency=phu_xuan, on=DAY)


def test_a_disabled_account_may_not_act(demo, phu_xuan):
    staff = user("phuxuan.lanhdao").staff
    services.deactivate_staff(staff=staff, on=dt.date(2025, 9, 1))
    assert not policy.may_act(
        user=user("phuxuan.lanhdao"), role=Role.LEADER, agency=phu_xuan, on=dt.date(2025, 8, 1)
    )
    assert not selectors.staff_with_role(role=Role.LEADER, agency=phu_xuan, on=dt.date(2025, 8, 1)).exists()


def test_require_role_explains_the_refusal_in_vietnamese(demo, phu_xuan):
    with pytest.raises(policy.PermissionDenied) as refused:
        policy.require_role(user=user("kimlong.tuphap"), role=Role.SPECIALIST, agency=phu_xuan, on=DAY)
    assert refused.value.code == "org.forbidden"
    assert "Ủy ban nhân dân phường Phú Xuân" in str(refused.value)


def test_reception_officers_receive_at_their_own_center_only(demo, phu_xuan):
    officer = user("phuxuan.tiepnhan")
    own = phu_xuan.reception_points.get()
    other = agency("197.74.00.H57").reception_points.get()
    assert policy.may_receive_at(user=officer, reception_point=own, on=DAY)
    assert not policy.may_receive_at(user=officer, reception_point=other, on=DAY)
    postal = user("buudienhue.nhanvien")
    office = selectors.post_offices(province_code="46", on=DAY).first()
    assert policy.may_receive_at(user=postal, reception_point=office.reception_points.get(), on=DAY)
