from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from motcua.geo import selectors as geo_selectors
from motcua.org import selectors
from motcua.org.demo import DEMO_DATE, generate_demo_organization
from motcua.org.models import Agency, AgencyKind, ReceptionPointKind, Role

from .conftest import DAY


def test_every_commune_of_hue_has_its_peoples_committee(demo):
    communes = list(geo_selectors.communes_of(province_code="46", on=DAY))
    assert len(communes) == 40
    for unit in communes:
        committee = selectors.commune_committee_for(unit=unit, on=DAY)
        assert committee is not None, unit.name
        assert committee.kind == AgencyKind.PEOPLES_COMMITTEE
        assert committee.code == f"{unit.code[:3]}.{unit.code[3:]}.00.H57"
    assert selectors.commune_committees(province_code="46", on=DAY).count() == 40


def test_every_commune_committee_has_a_service_center_and_six_staff(demo):
    for committee in selectors.commune_committees(province_code="46", on=DAY):
        points = selectors.reception_points_valid_on(on=DAY, province_code="46", agency=committee)
        assert [p.kind for p in points] == [ReceptionPointKind.SERVICE_CENTER], committee.name
        assert committee.staff.count() >= 6
        for role in (Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.CLERK):
            assert selectors.staff_with_role(role=role, agency=committee, on=DAY).exists(), (committee, role)
        assert selectors.staff_with_role(role=Role.SPECIALIST, agency=committee, on=DAY).count() == 2


def test_the_city_has_its_committee_center_departments_and_post_offices(demo):
    assert selectors.province_committee(province_code="46", on=DAY).name == "Ủy ban nhân dân thành phố Huế"
    center = selectors.province_service_center(province_code="46", on=DAY)
    assert center.code == "000.00.01.H57"
    assert center.reception_points.get().kind == ReceptionPointKind.SERVICE_CENTER
    names = [d.name for d in selectors.departments(province_code="46", on=DAY)]
    assert len(names) == 10
    assert "Sở Tư pháp thành phố Huế" in names
    assert "Sở Nông nghiệp và Môi trường thành phố Huế" in names
    for department in selectors.departments(province_code="46", on=DAY):
        assert selectors.divisions_of(agency=department, on=DAY).count() == 1
        for role in (Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.CLERK):
            assert selectors.staff_with_role(role=role, agency=department, on=DAY).count() == 1
    offices = list(selectors.post_offices(province_code="46", on=DAY))
    assert offices[0].name == "Bưu điện thành phố Huế"
    assert len(offices) == 3
    for office in offices:
        assert office.reception_points.get().kind == ReceptionPointKind.POST_OFFICE
        assert selectors.staff_with_role(role=Role.POSTAL_STAFF, agency=office, on=DAY).exists()


def test_department_reception_officers_sit_at_the_city_center(demo):
    tu_phap = selectors.agency_by_code(code="000.00.10.H57", on=DAY)
    officer = selectors.staff_with_role(role=Role.RECEPTION_OFFICER, agency=tu_phap, on=DAY).get()
    assert officer.user.username == "sotuphap.tiepnhan"
    assert [p.code for p in selectors.reception_points_of(user=officer.user, on=DAY)] == ["000.00.01.H57"]


def test_agency_codes_are_unique(demo):
    codes = list(Agency.objects.valid_on(DAY).filter(province_code="46").values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 2 + 20 + 3 + 40


def test_a_second_run_creates_nothing_and_returns_the_same_passwords(demo):
    again = generate_demo_organization(province_code="46")
    assert again["created"] == {"agencies": 0, "reception_points": 0, "accounts": 0}
    assert again["accounts"] == demo["accounts"]
    assert get_user_model().objects.filter(
        username__in=[a["username"] for a in demo["accounts"]]
    ).count() == len(demo["accounts"])


def test_demo_accounts_are_readable_ordered_and_log_in(demo):
    accounts = demo["accounts"]
    usernames = [a["username"] for a in accounts]
    assert len(usernames) == len(set(usernames)) == 2 + 50 + 3 + 240
    assert usernames[:2] == ["hue.quantri", "hue.thanhtra"]
    assert "phuxuan.tiepnhan" in usernames and "sotuphap.chuyenvien" in usernames
    assert all(u.isascii() and u == u.lower() for u in usernames)
    row = next(a for a in accounts if a["username"] == "phuxuan.tiepnhan")
    assert row["role"] == Role.RECEPTION_OFFICER
    assert row["agency"] == "Ủy ban nhân dân phường Phú Xuân"
    assert len(row["password"]) >= 10
    request = RequestFactory().post("/admin/login/")
    user = authenticate(request, username="phuxuan.tiepnhan", password=row["password"])
    assert user is not None and user.staff.agency.name == "Ủy ban nhân dân phường Phú Xuân"
    assert authenticate(request, username="phuxuan.tiepnhan", password="wrong-password") is None


def test_only_the_administrator_may_enter_the_admin_site(demo):
    admin_row = next(a for a in demo["accounts"] if a["role"] == Role.ADMINISTRATOR)
    admin = get_user_model().objects.get(username=admin_row["username"])
    assert admin.is_staff and admin.is_superuser
    officer = get_user_model().objects.get(username="phuxuan.tiepnhan")
    assert not officer.is_staff


def test_demo_runs_for_a_date_after_it_was_generated_without_duplicates(demo):
    later = generate_demo_organization(province_code="46", on=DEMO_DATE.replace(month=8))
    assert later["created"]["agencies"] == 0
    assert later["created"]["accounts"] == 0
