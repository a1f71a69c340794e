"""Fixtures for the officer workspace: Huế's demo staff logging in with a password and a TOTP code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.catalog import services as catalog_services
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, ReceptionPoint, Role

LOGIN = "/can-bo/dang-nhap/"
VERIFY = "/can-bo/dang-nhap/xac-thuc/"
ENROL = "/can-bo/dang-nhap/cai-dat-xac-thuc/"
PASSWORD = "Mật-khẩu-thử-2026"
PHU_XUAN = "19753"
PHU_VANG = "19942"
MARRIAGE = "1.000894"


def current_token(device: TOTPDevice) -> str:
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{token:0{device.digits}d}"


def signing_code(username: str) -> str:
    """A code of the device ``log_in`` gave the officer that the login did not use (the next time step, within
    django-otp's tolerance): a signature asks the code again."""
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).latest("pk")
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + 1)
    return f"{token:0{device.digits}d}"


def officer(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        pytest.skip(f"needs the demo organization ({username})")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def log_in(client, user) -> None:
    """Password then a code from a confirmed authenticator device: a verified workspace session."""
    device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": current_token(device)})
    assert response.status_code == 302


@dataclass
class Hue:
    on: dt.date
    phu_xuan: AdministrativeUnit
    phu_vang: AdministrativeUnit
    ubnd_phu_xuan: Agency
    ubnd_phu_vang: Agency
    point_phu_xuan: ReceptionPoint
    point_phu_vang: ReceptionPoint
    marriage: Procedure

    def staff(self, role: str, agency: Agency):
        member = org_selectors.staff_with_role(role=role, agency=agency, on=self.on).first()
        assert member is not None
        return member.user

    def receive(self, *, complete: bool = True, name: str = "Phan Thị Mai") -> Dossier:
        version = lookups.version_in_force(procedure=self.marriage, on=self.on)
        documents = (
            [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
            if complete
            else []
        )
        return services.receive_at_counter(
            by=self.staff(Role.RECEPTION_OFFICER, self.ubnd_phu_xuan),
            reception_point=self.point_phu_xuan,
            procedure=self.marriage,
            place_unit=self.phu_vang,
            applicant_info=services.ApplicantInfo(name=name, id_number="046195001234"),
            documents=documents,
        )


@pytest.fixture
def hue(db) -> Hue:
    on = timezone.localdate()
    units = {u.code: u for u in AdministrativeUnit.objects.valid_on(on).filter(code__in=[PHU_XUAN, PHU_VANG])}
    marriage = Procedure.objects.filter(code=MARRIAGE).first()
    if len(units) != 2 or marriage is None:
        pytest.skip("needs Huế's geography, demo organization and sample catalog loaded")
    committees = {code: lookups.commune_committee_for(unit=units[code], on=on) for code in units}
    if None in committees.values():
        pytest.skip("needs the demo organization")
    points = {
        code: ReceptionPoint.objects.valid_on(on).filter(agency=committees[code]).order_by("code").first()
        for code in units
    }
    assert None not in points.values()
    # These pages' tests receive a marriage dossier on paper at the counter, as before Directive 24/CT-TTg:
    # here the catalog does not mark it online-only (the attribute changes without a new version).
    # test_assisted_submission.py covers the online-only counter with the sample catalog as shipped.
    catalog_services.set_online_only(version=lookups.version_in_force(procedure=marriage, on=on), start=None)
    return Hue(
        on,
        units[PHU_XUAN],
        units[PHU_VANG],
        committees[PHU_XUAN],
        committees[PHU_VANG],
        points[PHU_XUAN],
        points[PHU_VANG],
        marriage,
    )


def on_paper(on, *codes: str) -> None:
    """Let the counter take these procedures on paper, as before Directive 24/CT-TTg: for page tests whose
    subject is not the channel (the attribute changes without a new version). The online-only counter is
    covered by test_assisted_submission.py with the sample catalog as shipped."""
    for procedure in Procedure.objects.filter(code__in=codes):
        catalog_services.set_online_only(
            version=lookups.version_in_force(procedure=procedure, on=on), start=None
        )
