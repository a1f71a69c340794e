"""Registries fixtures: Huế's demo staff (a reception officer of Phú Xuân, the province's auditor), a citizen
of the reference e-ID, a dossier received at the counter, a consent and a lookup with the population
registry by default; and the reference registry's people and requests (``person``, ``asked``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.catalog import services as catalog_services
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from motcua.org import selectors as org_selectors
from motcua.org.models import Role
from motcua.registries import services as registry_services
from motcua.registries.models import Consent
from refservices.idp.citizens import CITIZENS
from refservices.registries import records

PHU_XUAN = "19753"
MARRIAGE = "1.000894"


@dataclass
class World:
    on: dt.date
    officer: object  # reception officer at UBND phường Phú Xuân
    other_officer: object  # reception officer at another commune
    auditor: object
    citizen: object  # a demo citizen of the e-ID provider (also in the registries)
    other_citizen: object
    examples: dict[str, str]
    marriage: Procedure
    phu_xuan: AdministrativeUnit

    def receive(self, *, applicant=None, id_number: str = "046195001234") -> Dossier:
        committee = lookups.commune_committee_for(unit=self.phu_xuan, on=self.on)
        point = org_selectors.reception_points_valid_on(province_code="46", on=self.on).filter(
            agency=committee
        )
        version = lookups.version_in_force(procedure=self.marriage, on=self.on)
        return services.receive_at_counter(
            by=self.officer,
            reception_point=point.order_by("code").first(),
            procedure=self.marriage,
            place_unit=self.phu_xuan,
            applicant=applicant,
            applicant_info=services.ApplicantInfo(name="Phan Thị Mai", id_number=id_number),
            documents=[services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)],
        )

    def consent(
        self,
        by,
        *,
        fields: list[str],
        purpose: str,
        registry: str = "population",
        subject_id: str = "",
        text: str | None = None,
        **extra,
    ) -> Consent:
        """A consent recorded by ``by`` about ``subject_id`` (their own ID number unless given), with the
        text the services write unless ``text`` is given ("" for none: a legal basis)."""
        return registry_services.record_consent(
            by=by,
            subject_id=subject_id or by.national_id,
            registry=registry,
            fields=fields,
            purpose=purpose,
            text=registry_services.consent_text(registry=registry, fields=fields, purpose=purpose)
            if text is None
            else text,
            **extra,
        )

    def look_up(self, actor, identifier: str, *, registry: str = "population", **extra):
        """``registries.services.lookup`` by ``actor`` of ``identifier`` (the population registry unless
        named); ``extra``: its other arguments."""
        return registry_services.lookup(actor=actor, registry=registry, identifier=identifier, **extra)


def person(case: str = "person") -> tuple[str, dict]:
    """A documented person of the reference registry: their ID number and their record."""
    identifier = records.examples()[case]
    return identifier, records.population_record(records.person_index(identifier))


def asked(registries, identifier: str, *, procedure: str = "1.001193") -> list[dict]:
    """The registry's requests about ``identifier`` for a form of ``procedure`` (birth registration unless
    named; a late request of an earlier test's slow registry may still arrive in the log)."""
    return [
        r
        for r in registries.requests()
        if r["identifier"] == identifier and procedure in (r["purpose"] or "")
    ]


def _citizen(national_id: str, name: str):
    user, _ = get_user_model().objects.get_or_create(
        username=f"cd:{national_id}", defaults={"national_id": national_id, "full_name": name}
    )
    return user


@pytest.fixture
def world(db) -> World:
    on = timezone.localdate()
    phu_xuan = AdministrativeUnit.objects.valid_on(on).filter(code=PHU_XUAN).first()
    marriage = Procedure.objects.filter(code=MARRIAGE).first()
    auditor = get_user_model().objects.filter(username="hue.thanhtra").first()
    if phu_xuan is None or marriage is None or auditor is None:
        pytest.skip("needs Huế's geography, demo organization and sample catalog loaded")
    committee = lookups.commune_committee_for(unit=phu_xuan, on=on)
    officer = org_selectors.staff_with_role(role=Role.RECEPTION_OFFICER, agency=committee, on=on).first()
    others = org_selectors.commune_committees(province_code="46", on=on).exclude(pk=committee.pk)
    other = None
    for agency in others[:5]:
        other = org_selectors.staff_with_role(role=Role.RECEPTION_OFFICER, agency=agency, on=on).first()
        if other is not None:
            break
    assert officer is not None and other is not None
    catalog_services.set_online_only(version=lookups.version_in_force(procedure=marriage, on=on), start=None)
    return World(
        on=on,
        officer=officer.user,
        other_officer=other.user,
        auditor=auditor,
        citizen=_citizen(CITIZENS[0].national_id, CITIZENS[0].full_name),
        other_citizen=_citizen(CITIZENS[1].national_id, CITIZENS[1].full_name),
        examples=records.examples(),
        marriage=marriage,
        phu_xuan=phu_xuan,
    )
