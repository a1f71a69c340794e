"""A consulted agency sees the question in its inbox and answers it from the dossier page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dossiers.dossier_catalog_world import hue_world, receive
from dossiers.dossier_world import move
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import State
from motcua.org import selectors as org_selectors
from motcua.org.models import Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

BIRTH_WITH_PARENTAGE = "1.000689"
MOVES = ("forward", "approve", "sign", "issue_number", "return_result")


def at_review(hue):
    procedure = Procedure.objects.filter(code=BIRTH_WITH_PARENTAGE).first()
    if procedure is None:
        pytest.skip("sample catalog without the birth-with-parentage procedure")
    # Online-only since 1 October 2025 (Directive 24/CT-TTg): received at the counter as an assisted online
    # submission that the citizen confirms on the spot.
    dossier = receive(
        hue_world(hue.on), procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=timezone.now()
    )
    dossier = services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang))
    while dossier.current_step.step.code != "tham_dinh":
        step = dossier.current_step
        action = next(a for a in MOVES if a in step.step.actions)
        dossier = move(dossier=dossier, by=hue.staff(step.role, step.agency), action=action)
    return dossier


def test_the_consulted_specialist_sees_the_question_and_answers_it(client, hue):
    dossier = at_review(hue)
    justice = org_selectors.departments(province_code="46", on=hue.on).order_by("code").first()
    step = dossier.current_step
    services.consult(
        dossier=dossier, by=hue.staff(step.role, step.agency), agency=justice, question="Xin ý kiến về hồ sơ"
    )
    log_in(client, officer(hue.staff(Role.SPECIALIST, justice).username))
    assert dossier.code in client.get("/can-bo/").content.decode()
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Xin ý kiến về hồ sơ" in page
    consultation = dossier.consultations.get()
    client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/",
        {"action": "answer_consultation", "consultation": consultation.pk, "answer": "Đủ điều kiện"},
    )
    dossier.refresh_from_db()
    consultation.refresh_from_db()
    assert consultation.answer == "Đủ điều kiện"
    assert dossier.state == State.IN_PROCESS
