"""Issue 9: the e-form is validated once, in the service, with the format checker and the text bounds, so a
caller other than the portal cannot store a bad date, a control character or a fee that does not fit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier

from .dossier_catalog_world import MARRIAGE, complete_documents, hue_world

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)


@pytest.fixture
def hue(db):
    return hue_world(T0.date())


def marriage_form(**changes):
    form = {
        "applicant_name": "Phan Thị Mai",
        "applicant_id_number": "046195001234",
        "applicant_address": "Thôn An Lưu, xã Phú Vang, thành phố Huế",
        "partner_name": "Lê Văn Hùng",
        "partner_id_number": "046093004321",
        "partner_birth_date": "1993-05-14",
    }
    form.update(changes)
    return form


def submit(hue, procedure_code, form, **extra):
    procedure = hue.procedure(procedure_code)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    return services.submit_online(
        applicant=hue.citizen,
        procedure=procedure,
        place_unit=hue.phu_vang,
        form_data=form,
        documents=complete_documents(version),
        now=T0,
        **extra,
    )


def test_a_date_that_does_not_exist_is_refused_by_the_service_itself(hue):
    before = Dossier.objects.count()
    with pytest.raises(DomainError) as error:
        submit(hue, MARRIAGE, marriage_form(partner_birth_date="2025-02-30"))
    assert error.value.code == "form.invalid"
    assert "partner_birth_date" in str(error.value)
    assert Dossier.objects.count() == before


def test_the_service_names_the_field_of_each_problem(hue):
    with pytest.raises(DomainError) as error:
        submit(hue, MARRIAGE, marriage_form(partner_name="Lê\x00Văn Hùng", partner_birth_date="2025-02-30"))
    assert {p.field for p in error.value.problems} == {"partner_name", "partner_birth_date"}


def test_a_nul_byte_in_the_applicant_name_is_refused_by_the_service(hue):
    before = Dossier.objects.count()
    with pytest.raises(DomainError) as error:
        submit(
            hue,
            MARRIAGE,
            marriage_form(),
            applicant_info=services.ApplicantInfo(name="Phan\x00Thị Mai", id_number="046195001234"),
        )
    assert error.value.field == "name"
    assert Dossier.objects.count() == before
