"""Which dossier events become messages (and which never do), and the texts of each kind in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dossiers.dossier_world import T0, move, to_review
from motcua.dossiers import services
from motcua.dossiers.services import DocumentInput
from motcua.notifications.constants import Channel, Kind, kind_of
from motcua.notifications.models import ContactPreference, Notification
from motcua.notifications.rendering import render

from .conftest import deliver, notify_rows

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("event", "action", "state", "kind"),
    [
        ("received", "", "in_process", Kind.RECEIVED),
        ("reception_supplement", "", "awaiting_supplement", Kind.SUPPLEMENT),
        ("supplement_requested", "request_supplement", "awaiting_supplement", Kind.SUPPLEMENT),
        ("step_action", "issue_number", "result_ready", Kind.RESULT_READY),
        ("document_issued", "", "result_ready", Kind.RESULT_READY),
        ("apology_signed", "", "in_process", Kind.APOLOGY),
        ("payment_requested", "", "awaiting_payment", Kind.PAYMENT_REQUESTED),
        ("payment_received", "", "in_process", Kind.PAYMENT_RECEIVED),
        # internal steps and the rest: no message
        ("step_action", "forward", "in_process", None),
        ("step_action", "approve", "in_process", None),
        ("step_action", "return_result", "returned", None),
        ("step_assigned", "", "in_process", None),
        ("consultation_requested", "", "in_process", None),
        ("apology_drafted", "", "in_process", None),
        ("result_attached", "", "in_process", None),
        ("submitted", "", "submitted", None),
    ],
)
def test_the_kind_of_message_follows_the_event(event, action, state, kind):
    assert kind_of(event=event, action=action, state=state) == kind


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize(
    ("language", "word"), [("vi", "Kính gửi Nguyễn Thị Hoa"), ("en", "Dear Nguyễn Thị Hoa")]
)
def test_every_kind_has_a_text_in_both_languages(kind, language, word):
    text = render(
        kind=kind,
        language=language,
        facts={
            "dossier_code": "000.00.46.H57-260309-0001",
            "applicant_name": "Nguyễn Thị Hoa",
            "procedure": "Đăng ký kết hôn",
            "agency": "UBND phường Phú Xuân",
            "reason": "Thiếu giấy xác nhận tình trạng hôn nhân",
            "amount": 8000,
            "reference": "MCABCD12K",
            "receipt": "BLP 0000001",
            "appointment_at": "2026-03-12T08:00:00+00:00",
            "link": "http://127.0.0.1:8000/dich-vu-cong/ho-so/X/",
        },
    )
    assert "000.00.46.H57-260309-0001" in text.subject
    assert word in text.body
    assert "000.00.46.H57-260309-0001" in text.sms
    assert "http://127.0.0.1:8000/dich-vu-cong/ho-so/X/" in text.body
    assert "http://127.0.0.1:8000/dich-vu-cong/ho-so/X/" in text.sms
    assert len(text.sms) <= 160
    assert "&" not in text.body  # plain text, never HTML-escaped


def test_an_unknown_language_falls_back_to_vietnamese():
    text = render(kind=Kind.RESULT_READY, language="fr", facts={"dossier_code": "X", "link": "L"})
    assert text.subject == "Hồ sơ X đã có kết quả"


def test_the_citizen_is_told_of_reception_supplement_and_result_but_not_of_internal_steps(channels, world):
    ContactPreference.objects.create(
        citizen=world.citizen,
        email="hoa@example.vn",
        email_confirmed_at=timezone.now(),
        by_email=True,
        updated_at=timezone.now(),
    )
    dossier = to_review(world)  # received, then forwarded to the specialists: an internal step
    dossier = services.request_supplement(
        dossier=dossier,
        by=world.specialist_pv,
        missing=["XNTT"],
        reason="Giấy xác nhận đã hết hạn",
        now=T0 + 2 * H,
    )
    dossier = services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[DocumentInput(code="XNTT")], now=T0 + 3 * H
    )
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 4 * H)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=T0 + 5 * H)
    dossier = move(dossier=dossier, by=world.leader_pv, action="sign", now=T0 + 6 * H)
    dossier = services.perform(dossier=dossier, by=world.clerk_pv, action="issue_number", now=T0 + 7 * H)
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="return_result", now=T0 + 8 * H)

    while deliver().claimed:
        pass

    subjects = [m["subject"] for m in channels["smtp"].messages(to="hoa@example.vn")]
    assert subjects == [
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
        f"Hồ sơ {dossier.code} cần bổ sung, hoàn thiện",
        f"Hồ sơ {dossier.code} đã có kết quả",
    ]
    supplement = channels["smtp"].messages(to="hoa@example.vn")[1]
    assert "Giấy xác nhận đã hết hạn" in supplement["body"]
    kinds = list(
        Notification.objects.filter(dossier=dossier, channel=Channel.PORTAL)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [Kind.RECEIVED, Kind.SUPPLEMENT, Kind.RESULT_READY]
    # The internal steps wrote no notify.applicant row at all; the hand-over's row made no message.
    events = [(row.payload["event"], row.payload["action"]) for row in notify_rows(dossier)]
    assert ("step_action", "forward") not in events
    assert ("step_action", "approve") not in events
    assert ("step_action", "return_result") in events
