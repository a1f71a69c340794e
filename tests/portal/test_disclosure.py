"""What the citizen sees of the agency's internal work: only the events meant for the applicant.

A return to an earlier step and another agency's consultation answer are internal: the officer's page shows
their reasons, the citizen's dossier page and the public lookup do not.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers.dossier_catalog_world import BIRTH_WITH_PARENTAGE, MOVES, hue_world, receive
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.org import selectors as org_selectors
from motcua.org.models import Role
from workspace.conftest import PASSWORD, log_in

pytestmark = pytest.mark.django_db

RETURN_REASON = "Chủ tịch trả lại: chuyên viên thẩm định sơ sài, chưa đối chiếu sổ hộ tịch"
CONSULT_QUESTION = "Xin ý kiến Sở Tư pháp về chứng cứ quan hệ cha con"
CONSULT_ANSWER = "Chứng cứ chưa đủ tin cậy; đề nghị xác minh thêm tại nơi cư trú của người cha"


def returned_after_a_consultation() -> tuple[Dossier, object, object]:
    """A birth-with-parentage dossier of the demo citizen: consulted at review, then returned from signing."""
    hue = hue_world(timezone.localdate())
    procedure = hue.procedure(BIRTH_WITH_PARENTAGE)
    # Online-only since 1 October 2025 (Directive 24/CT-TTg): the counter's assisted online submission,
    # confirmed by the citizen on the spot.
    dossier = receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=timezone.now())
    dossier = services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang))
    while dossier.current_step.step.code != "tham_dinh":
        step = dossier.current_step
        action = next(a for a in MOVES if a in step.step.actions)
        dossier = services.perform(dossier=dossier, by=hue.staff(step.role, step.agency), action=action)
    justice = org_selectors.departments(province_code="46", on=hue.on).order_by("code").first()
    step = dossier.current_step
    specialist = hue.staff(step.role, step.agency)
    consultation = services.consult(dossier=dossier, by=specialist, agency=justice, question=CONSULT_QUESTION)
    dossier = services.answer_consultation(
        consultation=consultation, by=hue.staff(Role.SPECIALIST, justice), answer=CONSULT_ANSWER
    )
    dossier = services.perform(dossier=dossier, by=specialist, action="forward")
    while "return" not in dossier.current_step.step.actions:
        step = dossier.current_step
        dossier = services.perform(dossier=dossier, by=hue.staff(step.role, step.agency), action="approve")
    step = dossier.current_step
    dossier = services.perform(
        dossier=dossier, by=hue.staff(step.role, step.agency), action="return", reason=RETURN_REASON
    )
    return dossier, hue.citizen, specialist


def test_a_return_reason_and_a_consultation_answer_stay_off_the_citizens_dossier_page(db):
    dossier, citizen, _ = returned_after_a_consultation()
    client = Client()
    client.force_login(citizen)
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert 'data-testid="timeline"' in html and "Hồ sơ đã được tiếp nhận." in html
    leaked = [text for text in (RETURN_REASON, CONSULT_QUESTION, CONSULT_ANSWER) if text in html]
    assert leaked == []


def test_a_return_reason_and_a_consultation_answer_stay_off_the_public_lookup(db):
    dossier, _, _ = returned_after_a_consultation()
    last4 = dossier.applicant_id_number[-4:]
    html = (
        Client().post(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": last4}).content.decode()
    )
    assert 'data-testid="lookup-result"' in html
    assert RETURN_REASON not in html and CONSULT_ANSWER not in html


def test_the_officer_page_shows_the_return_reason_and_the_consultation_answer(db):
    dossier, _, specialist = returned_after_a_consultation()
    specialist.set_password(PASSWORD)
    specialist.save(update_fields=["password"])
    client = Client()
    log_in(client, specialist)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert RETURN_REASON in html and CONSULT_ANSWER in html


# --- the applicant is the e-ID identity, whatever name the form carries ---------------------------------

E_ID_NAME, E_ID_NUMBER = "Phan Thị Mai", "046195001234"
TYPED_NAME, TYPED_NUMBER = "Nguyễn Văn Khác", "046195005678"


def submitted_with_another_name() -> Dossier:
    from .test_eform import birth_procedure, logged_in, make_citizen, submit_birth

    birth_procedure()
    citizen = make_citizen(E_ID_NUMBER, E_ID_NAME)
    response = submit_birth(logged_in(citizen), applicant_name=TYPED_NAME, applicant_id_number=TYPED_NUMBER)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get(applicant=citizen)


def fact(html: str, label: str) -> str:
    import re

    found = re.search(rf"<dt>{label}</dt>\s*<dd[^>]*>([^<]*)</dd>", html)
    return found.group(1).strip() if found else ""


def test_a_citizen_who_types_another_name_is_still_the_applicant_on_the_officer_page(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    dossier = submitted_with_another_name()
    assert (dossier.applicant_name, dossier.applicant_id_number) == (E_ID_NAME, E_ID_NUMBER)
    officer = (
        org_selectors.staff_with_role(
            role=Role.RECEPTION_OFFICER, agency=dossier.reception_point.agency, on=timezone.localdate()
        )
        .first()
        .user
    )
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    client = Client()
    log_in(client, officer)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert fact(html, "Chủ hồ sơ") == E_ID_NAME and fact(html, "Số định danh") == E_ID_NUMBER
    assert fact(html, "Người có liên quan") == TYPED_NAME


def test_the_receipt_names_the_e_id_applicant_and_the_form_person_as_the_person_concerned(
    db, settings, tmp_path
):
    import io

    from pypdf import PdfReader

    from .test_eform import logged_in

    settings.MEDIA_ROOT = tmp_path / "media"
    dossier = submitted_with_another_name()
    officer = (
        org_selectors.staff_with_role(
            role=Role.RECEPTION_OFFICER, agency=dossier.reception_point.agency, on=timezone.localdate()
        )
        .first()
        .user
    )
    services.accept(dossier=dossier, by=officer)
    client = logged_in(dossier.applicant)
    pdf = client.get(reverse("portal:slip", args=[dossier.code, "receipt"])).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Ông/bà: {E_ID_NAME}" in text and E_ID_NUMBER in text
    assert f"Người có liên quan: {TYPED_NAME}" in text
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert fact(page, "Người nộp hồ sơ") == E_ID_NAME and fact(page, "Người có liên quan") == TYPED_NAME
