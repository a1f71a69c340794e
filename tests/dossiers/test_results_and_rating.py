"""Result files (kết quả giải quyết) attached by the agency, and the applicant's satisfaction rating."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import DomainError
from motcua.dossiers import lookups, selectors, services
from motcua.dossiers.models import DossierResult, EventKind, RatingChannel, Satisfaction, State
from motcua.org.models import Role
from motcua.outbox.models import OutboxMessage, Topic
from pdf_samples import CLEAN_PDF

from .dossier_catalog_world import BIRTH_WITH_PARENTAGE, MARRIAGE, advance, hue_world, receive

TZ = lookups.TZ
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)  # Monday, no holiday that week
H = dt.timedelta(hours=1)
PDF = CLEAN_PDF


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def hue(db):
    return hue_world(T0.date())


def pdf(name: str = "giay-chung-nhan-ket-hon.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def in_review(hue, code=MARRIAGE):
    dossier = receive(hue, hue.procedure(code), point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    return dossier


def specialist(hue, dossier):
    step = dossier.current_step
    return hue.staff(step.role, step.agency)


def test_a_result_attached_during_processing_reaches_the_applicant_only_once_returned(hue):
    dossier = in_review(hue)
    result = services.attach_result(
        dossier=dossier, by=specialist(hue, dossier), name="Giấy chứng nhận kết hôn", upload=pdf(), now=T0 + H
    )
    assert result.sha256 == hashlib.sha256(PDF).hexdigest() and result.size == len(PDF)
    assert result.content_type == "application/pdf" and result.file_name.endswith(".pdf")
    with default_storage.open(result.file_ref, "rb") as stored:
        assert stored.read() == PDF
    dossier.refresh_from_db()
    assert dossier.events.filter(kind=EventKind.RESULT_ATTACHED).count() == 1
    assert selectors.results_for(dossier=dossier, for_applicant=True) == []
    assert selectors.results_for(dossier=dossier, for_applicant=False) == [result]
    with pytest.raises(DomainError) as refused:
        selectors.result_for(dossier=dossier, result_id=result.pk, user=hue.citizen)
    assert refused.value.code == "file.forbidden"

    dossier = advance(hue, dossier, now=T0 + H)
    assert dossier.state == State.RETURNED
    assert selectors.result_for(dossier=dossier, result_id=result.pk, user=hue.citizen) == result
    assert selectors.timeline_for(dossier=dossier, user=hue.citizen).results == [result]


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_and_nothing_changes(hue):
    dossier = in_review(hue)
    version, events = dossier.version, dossier.events.count()
    with pytest.raises(DomainError) as refused:
        services.attach_result(
            dossier=dossier,
            by=specialist(hue, dossier),
            name="Kết quả",
            upload=SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
            now=T0 + H,
        )
    assert refused.value.code == "file.type" and "ket-qua.pdf" in str(refused.value)
    dossier.refresh_from_db()
    assert dossier.version == version and dossier.events.count() == events
    assert not DossierResult.objects.filter(dossier=dossier).exists()


def test_a_file_larger_than_the_limit_is_refused_with_the_limit_in_the_message(hue, settings):
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    dossier = in_review(hue)
    big = pdf(content=PDF + b"0" * (1024 * 1024))
    with pytest.raises(DomainError) as refused:
        services.attach_result(dossier=dossier, by=specialist(hue, dossier), name="Kết quả", upload=big)
    assert refused.value.code == "file.too_large" and "1 MB" in str(refused.value)


def test_a_result_needs_a_name_and_a_file(hue):
    dossier = in_review(hue)
    by = specialist(hue, dossier)
    for name, upload, code in (("", pdf(), "result.name"), ("Kết quả", None, "result.file")):
        with pytest.raises(DomainError) as refused:
            services.attach_result(dossier=dossier, by=by, name=name, upload=upload)
        assert refused.value.code == code


def test_staff_of_another_commune_cannot_attach_a_result(hue):
    dossier = in_review(hue)
    outsider = hue.staff(Role.SPECIALIST, hue.ubnd_phu_xuan)
    with pytest.raises(DomainError) as refused:
        services.attach_result(dossier=dossier, by=outsider, name="Kết quả", upload=pdf(), now=T0 + H)
    assert refused.value.code == "result.forbidden"


def test_a_result_attached_by_mistake_is_removed_with_a_reason_and_hidden_from_the_applicant(hue):
    dossier = in_review(hue)
    by = specialist(hue, dossier)
    wrong = services.attach_result(
        dossier=dossier, by=by, name="Nhầm tệp", upload=pdf("nham.pdf"), now=T0 + H
    )
    right = services.attach_result(
        dossier=wrong.dossier, by=by, name="Giấy chứng nhận", upload=pdf(), now=T0 + H
    )
    with pytest.raises(DomainError) as refused:
        services.remove_result(result=wrong, by=by, reason=" ", now=T0 + 2 * H)
    assert refused.value.code == "reason.required"
    services.remove_result(result=wrong, by=by, reason="Đính kèm nhầm hồ sơ khác", now=T0 + 2 * H)
    wrong.refresh_from_db()
    assert wrong.removed_at is not None and default_storage.exists(wrong.file_ref)
    dossier = advance(hue, right.dossier.__class__.objects.get(pk=dossier.pk), now=T0 + 2 * H)
    assert selectors.results_for(dossier=dossier, for_applicant=True) == [right]
    assert selectors.results_for(dossier=dossier, for_applicant=False) == [wrong, right]
    with pytest.raises(DomainError):
        services.attach_result(dossier=dossier, by=by, name="Muộn", upload=pdf(), now=T0 + 9 * H)


def test_the_applicant_rates_once_after_the_result_and_the_rating_goes_to_the_outbox(hue):
    dossier = in_review(hue)
    with pytest.raises(DomainError) as early:
        services.rate(dossier=dossier, by=hue.citizen, level=Satisfaction.SATISFIED)
    assert early.value.code == "rating.too_early"
    dossier = advance(hue, dossier, now=T0)
    assert selectors.can_rate(dossier=dossier, user=hue.citizen)
    rating = services.rate(
        dossier=dossier, by=hue.citizen, level="1", comment="  Phải đi lại hai lần  ", now=T0 + 9 * H
    )
    assert rating.level == Satisfaction.DISSATISFIED and rating.comment == "Phải đi lại hai lần"
    assert rating.rated_by == hue.citizen and rating.channel == RatingChannel.PORTAL
    assert dossier.events.filter(kind=EventKind.RATED).count() == 1
    message = OutboxMessage.objects.get(topic=Topic.DOSSIER_RATING, aggregate_id=str(dossier.pk))
    assert message.payload["level"] == 1 and message.payload["dossier_code"] == dossier.code
    assert not selectors.can_rate(dossier=dossier, user=hue.citizen)
    with pytest.raises(DomainError) as again:
        services.rate(dossier=dossier, by=hue.citizen, level=4)
    assert again.value.code == "rating.exists"


def test_only_the_applicant_rates_from_an_account_and_the_level_must_be_one_of_the_four(hue):
    dossier = advance(hue, in_review(hue), now=T0)
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang)
    with pytest.raises(DomainError) as other:
        services.rate(dossier=dossier, by=officer, level=4)
    assert other.value.code == "rating.forbidden"
    for level in ("", "5", "rất tốt", None):
        with pytest.raises(DomainError) as wrong:
            services.rate(dossier=dossier, by=hue.citizen, level=level)
        assert wrong.value.code == "rating.level"
    rating = services.rate(dossier=dossier, by=None, level=4, channel=RatingChannel.LOOKUP)
    assert rating.rated_by is None and rating.channel == RatingChannel.LOOKUP


def test_a_second_apology_cannot_be_drafted_while_one_waits_for_the_leaders_signature(hue):
    dossier = in_review(hue, BIRTH_WITH_PARENTAGE)  # 3 working days: the apology is drafted in time
    drafter = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang)
    later = dossier.appointment_at + 24 * H
    notice = services.draft_apology(
        dossier=dossier, by=drafter, reason="Chờ xác minh", new_appointment_at=later, now=T0 + H
    )
    assert not selectors.can_draft_apology(dossier=notice.dossier, user=drafter, now=T0 + H)
    with pytest.raises(DomainError) as pending:
        services.draft_apology(
            dossier=notice.dossier,
            by=drafter,
            reason="Lần hai",
            new_appointment_at=later + 24 * H,
            now=T0 + H,
        )
    assert pending.value.code == "apology.pending"
