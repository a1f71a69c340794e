"""Whom each dossier concerns, shown beside the procedure in "Hồ sơ của tôi", the inbox and the apologies
list: stored on the dossier when the declaration is received, filled for older dossiers by migration 0022."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier
from motcua.org.models import Role
from portal.test_eform import birth_procedure, logged_in, make_citizen, media_in_tmp, submit_birth

from .conftest import log_in, officer

__all__ = ["media_in_tmp"]  # the autouse fixture keeps uploads in a temporary media folder here too

pytestmark = pytest.mark.django_db


def received_marriage(hue, **form_data) -> Dossier:
    version = lookups.version_in_force(procedure=hue.marriage, on=hue.on)
    return services.receive_at_counter(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        reception_point=hue.point_phu_xuan,
        procedure=hue.marriage,
        place_unit=hue.phu_vang,
        applicant_info=services.ApplicantInfo(name="Phan Văn Hải", id_number="046195001234"),
        documents=[services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)],
        form_data=form_data,
    )


def test_an_online_birth_registration_concerns_the_child_in_my_dossiers():
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    submit_birth(client, submission_key="key-subject-0001")
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.subject_name == "Nguyễn Phan Minh An"
    page = client.get(reverse("portal:my_dossiers")).content.decode()
    row = page.split(f'data-code="{dossier.code}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="subject">Nguyễn Phan Minh An<' in row and "Đăng ký khai sinh" in row
    assert 'data-label="Hồ sơ của"' in row  # the label a phone shows before the value


def test_the_inbox_names_both_parties_of_a_marriage_beside_the_procedure(client, hue):
    dossier = received_marriage(hue, applicant_name="Phan Văn Hải", partner_name="Lê Thị Hoa")
    assert dossier.subject_name == "Phan Văn Hải, Lê Thị Hoa"
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get("/can-bo/").content.decode()
    row = page.split(f"{dossier.code}</a>", 1)[1].split("</tr>", 1)[0]
    assert "Hồ sơ của: <strong>Phan Văn Hải, Lê Thị Hoa</strong>" in row
    assert client.get("/can-bo/", {"q": "Lê Thị Hoa"}).content.decode().count(f"{dossier.code}</a>") == 1


def test_a_dossier_without_a_declaration_concerns_its_applicant_shown_once(client, hue):
    dossier = received_marriage(hue)
    assert dossier.subject_name == "Phan Văn Hải"
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get("/can-bo/").content.decode()
    row = page.split(f"{dossier.code}</a>", 1)[1].split("</tr>", 1)[0]
    assert "Hồ sơ của:" not in row and "Phan Văn Hải" in row


def test_the_migration_fills_the_subject_of_dossiers_received_before(hue):
    named = received_marriage(hue, partner_name="Lê Thị Hoa", applicant_name="Phan Văn Hải")
    bare = received_marriage(hue)
    Dossier.objects.filter(pk__in=[named.pk, bare.pk]).update(subject_name="")
    migration = importlib.import_module("motcua.dossiers.migrations.0022_dossier_subject")
    migration.fill_subjects(apps, None)
    named.refresh_from_db()
    bare.refresh_from_db()
    assert (named.subject_name, bare.subject_name) == ("Phan Văn Hải, Lê Thị Hoa", "Phan Văn Hải")
