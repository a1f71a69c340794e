"""The shipped sample catalog and the demo organization as the dossier acceptance tests use them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.catalog import forms
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, ReceptionPoint, ReceptionPointKind, Role

from .dossier_world import move

PHU_XUAN = "19753"
PHU_VANG = "19942"
MARRIAGE = "1.000894"  # Đăng ký kết hôn: same day, up to 5 working days to verify; commune of residence
BIRTH_WITH_PARENTAGE = "1.000689"  # Đăng ký khai sinh kết hợp nhận cha, mẹ, con: review step may consult
MOVES = ("forward", "approve", "sign", "issue_number", "return_result")


@dataclass
class Hue:
    on: dt.date
    phu_xuan: AdministrativeUnit
    phu_vang: AdministrativeUnit
    ubnd_phu_xuan: Agency
    ubnd_phu_vang: Agency
    point_phu_xuan: ReceptionPoint
    point_phu_vang: ReceptionPoint
    post_point: ReceptionPoint
    citizen: User

    def staff(self, role: str, agency: Agency) -> User:
        member = org_selectors.staff_with_role(role=role, agency=agency, on=self.on).first()
        assert member is not None, f"demo organization has no {role} at {agency}"
        return member.user

    def procedure(self, code: str) -> Procedure:
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            pytest.skip(f"sample catalog without procedure {code}")
        return procedure


def hue_world(on: dt.date) -> Hue:
    units = {u.code: u for u in AdministrativeUnit.objects.valid_on(on).filter(code__in=[PHU_XUAN, PHU_VANG])}
    if len(units) != 2 or not Procedure.objects.exists():
        pytest.skip("needs Huế's geography, demo organization and sample catalog loaded")
    committees = {code: lookups.commune_committee_for(unit=units[code], on=on) for code in units}
    if None in committees.values():
        pytest.skip("needs the demo organization")
    points = {
        code: ReceptionPoint.objects.valid_on(on).filter(agency=committees[code]).order_by("code").first()
        for code in units
    }
    post = ReceptionPoint.objects.valid_on(on).filter(kind=ReceptionPointKind.POST_OFFICE, province_code="46")
    citizen, _ = User.objects.get_or_create(
        username="dossier-acceptance-citizen",
        defaults={"full_name": "Phan Thị Mai", "national_id": "046195001234", "phone": "0914000111"},
    )
    return Hue(
        on,
        units[PHU_XUAN],
        units[PHU_VANG],
        committees[PHU_XUAN],
        committees[PHU_VANG],
        points[PHU_XUAN],
        points[PHU_VANG],
        post.order_by("code").first(),
        citizen,
    )


def complete_documents(version: ProcedureVersion) -> list[services.DocumentInput]:
    return [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]


def receive(
    hue: Hue,
    procedure: Procedure,
    *,
    point: ReceptionPoint,
    place: AdministrativeUnit,
    now: dt.datetime,
    documents: list[services.DocumentInput] | None = None,
    **extra: Any,
) -> Dossier:
    version = lookups.version_in_force(procedure=procedure, on=now.date())
    officer = hue.staff(Role.RECEPTION_OFFICER, point.agency)
    if version.is_online_only(now.date()):
        # Directive 24/CT-TTg: no paper dossier; the officer fills the e-form with the citizen, who confirms
        # on the spot (the result is an online dossier received at this counter).
        form = {**e_form(version, hue, place), **extra.pop("form_data", {})}
        return services.submit_assisted(
            by=officer,
            reception_point=point,
            procedure=procedure,
            place_unit=place,
            applicant=hue.citizen,
            applicant_info=services.ApplicantInfo(
                name=hue.citizen.full_name, id_number=hue.citizen.national_id, phone=hue.citizen.phone
            ),
            confirmation="on_the_spot",
            citizen_confirmed=True,
            documents=complete_documents(version) if documents is None else documents,
            form_data=form,
            now=now,
            **extra,
        )
    return services.receive_at_counter(
        by=officer,
        reception_point=point,
        procedure=procedure,
        place_unit=place,
        applicant=hue.citizen,
        applicant_info=services.ApplicantInfo(
            name=hue.citizen.full_name, id_number=hue.citizen.national_id, phone=hue.citizen.phone
        ),
        documents=complete_documents(version) if documents is None else documents,
        now=now,
        **{"form_data": fee_inputs(version), **extra},
    )


def e_form(version: ProcedureVersion, hue: Hue, place: AdministrativeUnit) -> dict[str, Any]:
    """A valid e-form as the officer fills it with the citizen: the schema's sample values, the citizen's
    identity and phone, the place's commune code for a 5-digit unit, 12 digits for another ID number."""
    data = forms.sample_data(version.form_schema or {}) or {}
    known = {
        "applicant_name": hue.citizen.full_name,
        "applicant_id_number": hue.citizen.national_id,
        "applicant_phone": hue.citizen.phone,
    }
    for name, sub in ((version.form_schema or {}).get("properties") or {}).items():
        pattern = str(sub.get("pattern", ""))
        if name in known:
            data[name] = known[name]
        elif pattern == "^[0-9]{5}$":
            data[name] = place.code
        elif pattern == "^[0-9]{12}$":
            data[name] = "046093004321"
        elif pattern.startswith("^[0-9+ ]"):
            data[name] = hue.citizen.phone
    return data


def fee_inputs(version: ProcedureVersion) -> dict[str, Any]:
    """What the counter officer types for the fee: a plausible value of each field the fee rules read."""
    return forms.sample_fee_inputs(version)


def declared(version: ProcedureVersion, *, unit_code: str, **typed: Any) -> dict[str, Any]:
    """A complete declaration as the counter officer types it (the engine checks it to accept: issue 17)."""
    return forms.sample_declaration(version, unit_code=unit_code, **typed)


def actor_for(hue: Hue, dossier: Dossier) -> User:
    step = dossier.current_step
    return hue.staff(step.role, step.agency)  # step.role is postal_staff for hand-overs at a post office


def advance(hue: Hue, dossier: Dossier, *, now: dt.datetime, stop_at: str | None = None) -> Dossier:
    """Take the forward path step by step (one hour each) until returned or at step ``stop_at``."""
    for _ in range(20):
        step = dossier.current_step
        if step is None or step.step.code == stop_at:
            return dossier
        action = next(a for a in MOVES if a in step.step.actions)
        now += dt.timedelta(hours=1)
        dossier = move(dossier=dossier, by=actor_for(hue, dossier), action=action, now=now)
    raise AssertionError("workflow did not end in 20 steps")
