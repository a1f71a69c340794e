"""Story (issue 14): a citizen whose child's birth certificate the system issued earlier applies for a
procedure that needs it and attaches nothing; the officer sees the document from the data store, opens the
original and accepts. Online (one click in "Kho dữ liệu của tôi") and at the counter (automatically)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.catalog import forms
from motcua.dossiers import lookups, services
from motcua.dossiers.constants import DocumentSource
from motcua.dossiers.models import Dossier, State
from motcua.org.models import Role
from workspace.conftest import log_in, officer

from .world import ALLOWANCE, CERTIFICATE, CHILD

pytestmark = pytest.mark.django_db


def allowance_answers(hue, **changes) -> dict:
    answers = {
        "applicant_name": hue.citizen.full_name,
        "applicant_id_number": hue.citizen.national_id,
        "applicant_phone": "0914000111",
        "applicant_address": "12 Lê Lợi",
        "applicant_address__unit": hue.phu_vang.code,
        "beneficiary_group": "Trẻ em không có nguồn nuôi dưỡng",
        "beneficiary_name": CHILD,
        "beneficiary_birth_date": (timezone.localdate() - dt.timedelta(days=40)).isoformat(),
        "beneficiary_residence_unit__province": "46",
        "beneficiary_residence_unit": hue.phu_vang.code,
        "request": "Thực hiện",
        "submission_key": "store-story-0001",
        "submit": "1",
    }
    answers.update(changes)
    return answers


def officer_client(user) -> Client:
    client = Client()
    log_in(client, officer(user.username))
    return client


def test_the_officer_sees_the_birth_certificate_from_the_data_store_opens_the_original_and_accepts(
    hue, certificate
):
    citizen = Client()
    citizen.force_login(hue.citizen)
    url = reverse("portal:eform", args=[ALLOWANCE])
    page = citizen.get(url).content.decode()
    # One click: the certificate is offered from "Kho dữ liệu của tôi", already chosen.
    assert 'data-testid="store-giay_khai_sinh"' in page
    assert f'name="store_giay_khai_sinh" value="{certificate.pk}" checked' in page
    response = citizen.post(url, allowance_answers(hue, store_giay_khai_sinh=str(certificate.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get(applicant=hue.citizen, procedure__code=ALLOWANCE)
    taken = dossier.documents.get(code="giay_khai_sinh")
    assert taken.source == DocumentSource.DATA_STORE and taken.stored_document == certificate
    assert taken.file_ref == ""  # nothing uploaded again

    reception = hue.staff(Role.RECEPTION_OFFICER, dossier.receiving_agency)
    staff = officer_client(reception)
    page = staff.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="from-store-giay_khai_sinh">từ kho dữ liệu' in page
    original = staff.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{taken.pk}/")
    assert original.status_code == 200 and b"".join(original.streaming_content) == CERTIFICATE
    dossier.refresh_from_db()
    accepted = staff.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/", {"action": "accept", "version": dossier.version}
    )
    assert accepted.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.received_by.user == reception


def test_at_the_counter_the_certificate_is_taken_from_the_data_store_without_a_copy(hue, certificate):
    procedure = hue.procedure(ALLOWANCE)
    version = lookups.version_in_force(procedure=procedure, on=hue.on)
    dossier = services.receive_and_decide(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        decision=services.CounterDecision.ACCEPT,
        reception_point=hue.point_phu_xuan,
        procedure=procedure,
        place_unit=hue.phu_vang,
        applicant=hue.citizen,
        applicant_info=services.ApplicantInfo(name=hue.citizen.full_name, id_number=hue.citizen.national_id),
        documents=[services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)],
        # The whole declaration typed at the counter (complete, to accept), the child's name in capitals.
        form_data=forms.sample_declaration(
            version,
            unit_code=hue.phu_vang.code,
            applicant_id_number=hue.citizen.national_id,
            applicant_phone=hue.citizen.phone,
            beneficiary_name=CHILD.upper(),
            beneficiary_id_number="046225001234",
            beneficiary_birth_date=(timezone.localdate() - dt.timedelta(days=40)).isoformat(),
        ),
    )
    assert dossier.state == State.IN_PROCESS
    assert dossier.documents.get(code="giay_khai_sinh").stored_document == certificate


def test_a_certificate_of_another_child_is_not_taken(hue, certificate):
    procedure = hue.procedure(ALLOWANCE)
    version = lookups.version_in_force(procedure=procedure, on=hue.on)
    dossier = services.receive_at_counter(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        reception_point=hue.point_phu_xuan,
        procedure=procedure,
        place_unit=hue.phu_vang,
        applicant_info=services.ApplicantInfo(name=hue.citizen.full_name, id_number=hue.citizen.national_id),
        documents=[services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)],
        form_data={"beneficiary_name": "Nguyễn Phan Minh Anh", "beneficiary_birth_date": "2020-05-05"},
    )
    assert not dossier.documents.filter(code="giay_khai_sinh").exists()


def test_the_counter_says_which_documents_come_from_the_data_store(hue, client):
    user = officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username)
    log_in(client, user)
    page = client.get(f"/can-bo/tiep-nhan/?procedure={ALLOWANCE}").content.decode()
    assert 'data-testid="from-store-hint-giay_khai_sinh"' in page
    assert 'data-testid="from-store-hint-to_khai"' not in page
