"""Directive 24/CT-TTg: from 1 October 2025 the centres take no paper dossier for birth, death and marriage
registration; the counter helps the citizen submit online (assisted submission), confirmed on the spot or
with the national e-ID, and records the dossier offline when the online path is down."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.dossiers import lookups, replay, selectors, services
from motcua.dossiers.constants import Channel, Confirmation, EventKind, OfflineReason, State
from motcua.dossiers.lookups import TZ
from motcua.dossiers.models import Dossier
from motcua.org.models import Role
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_catalog_world import MARRIAGE, complete_documents, e_form, hue_world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2025, 9, 30, 9, 0, tzinfo=TZ)  # Tuesday, the last day paper was taken
T0 = dt.datetime(2026, 3, 9, 9, 0, tzinfo=TZ)  # Monday, no holiday that week
ONLINE_ONLY = ["1.001193", "1.000689", "1.000656", MARRIAGE]


@pytest.fixture
def hue(db):
    return hue_world(T0.date())


def paper(hue, *, now):
    procedure = hue.procedure(MARRIAGE)
    version = lookups.version_in_force(procedure=procedure, on=now.date())
    return services.receive_at_counter(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        reception_point=hue.point_phu_xuan,
        procedure=procedure,
        place_unit=hue.phu_vang,
        applicant_info=services.ApplicantInfo(name="Phan Thị Mai", id_number="046195001234"),
        documents=complete_documents(version),
        now=now,
    )


def assisted(hue, *, now, confirmation=Confirmation.ON_THE_SPOT, confirmed=True, offline="", key=None):
    procedure = hue.procedure(MARRIAGE)
    version = lookups.version_in_force(procedure=procedure, on=now.date())
    return services.submit_assisted(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        reception_point=hue.point_phu_xuan,
        procedure=procedure,
        place_unit=hue.phu_vang,
        applicant_info=services.ApplicantInfo(name="Phan Thị Mai", id_number="046195001234"),
        confirmation=confirmation,
        citizen_confirmed=confirmed,
        offline=offline,
        documents=complete_documents(version),
        form_data=e_form(version, hue, hue.phu_vang),
        idempotency_key=key,
        now=now,
    )


def kinds(dossier):
    return list(dossier.events.order_by("sequence").values_list("kind", flat=True))


def status_messages(dossier):
    return OutboxMessage.objects.filter(aggregate_id=dossier.pk, topic=Topic.DOSSIER_STATUS).count()


def test_the_sample_catalog_marks_birth_death_and_marriage_online_only_from_1_october_2025(hue):
    for code in ONLINE_ONLY:
        version = lookups.version_in_force(procedure=hue.procedure(code), on=T0.date())
        assert version.online_only_from == dt.date(2025, 10, 1), code
        assert "24/CT-TTg" in version.online_only_basis, code
        assert version.is_online_only(T0.date()) and not version.is_online_only(BEFORE.date())
    foreign = lookups.version_in_force(procedure=hue.procedure("2.000806"), on=T0.date())
    assert foreign.online_only_from is None  # not confirmed to be on the Directive's list: [kiểm tra]


def test_paper_counter_reception_is_refused_from_1_october_2025_and_points_to_assisted_submission(hue):
    before = Dossier.objects.count()
    with pytest.raises(DomainError) as refused:
        paper(hue, now=T0)
    assert refused.value.code == "reception.online_only"
    assert "01/10/2025" in str(refused.value) and "Hỗ trợ nộp hồ sơ trực tuyến" in str(refused.value)
    assert Dossier.objects.count() == before


def test_paper_counter_reception_is_still_taken_the_day_before(hue):
    dossier = paper(hue, now=BEFORE)
    assert dossier.channel == Channel.COUNTER and dossier.state == State.SUBMITTED


def test_assisted_submission_confirmed_on_the_spot_is_an_online_dossier_received_at_the_counter(hue):
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = assisted(hue, now=T0)
    assert dossier.channel == Channel.ONLINE and dossier.state == State.SUBMITTED
    assert dossier.reception_point == hue.point_phu_xuan
    assert dossier.assisted_by == officer.staff
    assert dossier.confirmation == Confirmation.ON_THE_SPOT
    assert (dossier.confirmed_by, dossier.confirmed_at) == (officer, T0)
    assert dossier.submitted_at == T0
    assert kinds(dossier) == [
        EventKind.ASSISTED_PREPARED,
        EventKind.SUBMISSION_CONFIRMED,
        EventKind.SUBMITTED,
    ]
    submitted = dossier.events.get(kind=EventKind.SUBMITTED)
    assert submitted.data["assisted"] is True and submitted.data["assisted_by"] == officer.staff.pk
    assert status_messages(dossier) == 1  # only the submission reaches the national portal
    dossier = services.accept(dossier=dossier, by=officer, now=T0)
    assert dossier.state == State.IN_PROCESS and dossier.received_at == T0
    assert replay.replay(dossier.events.order_by("sequence")).state == dossier.state


def test_on_the_spot_without_the_citizens_confirmation_is_refused_and_keeps_nothing(hue):
    before = Dossier.objects.count()
    with pytest.raises(DomainError) as refused:
        assisted(hue, now=T0, confirmed=False)
    assert refused.value.code == "assisted.unconfirmed"
    assert Dossier.objects.count() == before


def test_an_invalid_e_form_is_refused_as_online(hue):
    procedure = hue.procedure(MARRIAGE)
    with pytest.raises(DomainError) as refused:
        services.submit_assisted(
            by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
            reception_point=hue.point_phu_xuan,
            procedure=procedure,
            place_unit=hue.phu_vang,
            applicant_info=services.ApplicantInfo(name="Phan Thị Mai", id_number="046195001234"),
            confirmation=Confirmation.ON_THE_SPOT,
            citizen_confirmed=True,
            form_data={"applicant_name": "Phan Thị Mai"},
            now=T0,
        )
    assert refused.value.code == "form.invalid"


def test_e_id_confirmation_waits_for_the_citizen_whose_id_the_dossier_carries(hue):
    dossier = assisted(hue, now=T0, confirmation=Confirmation.E_ID, confirmed=False)
    assert dossier.state == State.AWAITING_CONFIRMATION and dossier.applicant is None
    assert kinds(dossier) == [EventKind.ASSISTED_PREPARED]
    assert status_messages(dossier) == 0  # not on the national portal yet
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    assert selectors.allowed_actions(user=officer, dossier=dossier, now=T0) == []  # nothing to receive yet
    someone_else = User.objects.create(username="cd:046195009999", national_id="046195009999")
    assert not selectors.awaiting_confirmation_for(user=someone_else).exists()
    with pytest.raises(DomainError) as refused:
        services.confirm_submission(dossier=dossier, by=someone_else, now=T0 + dt.timedelta(hours=2))
    assert refused.value.code == "assisted.confirm_forbidden"
    with pytest.raises(DomainError):  # the officer cannot confirm in the citizen's place
        services.confirm_submission(dossier=dossier, by=officer, now=T0 + dt.timedelta(hours=2))
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_CONFIRMATION

    citizen = hue.citizen  # national_id 046195001234, the number on the dossier
    assert list(selectors.awaiting_confirmation_for(user=citizen)) == [dossier]
    later = T0 + dt.timedelta(hours=3)
    dossier = services.confirm_submission(dossier=dossier, by=citizen, now=later)
    assert dossier.state == State.SUBMITTED and dossier.applicant == citizen
    assert dossier.confirmation == Confirmation.E_ID
    assert (dossier.confirmed_by, dossier.confirmed_at) == (citizen, later)
    assert dossier.submitted_at == later
    assert kinds(dossier)[-2:] == [EventKind.SUBMISSION_CONFIRMED, EventKind.SUBMITTED]
    assert status_messages(dossier) == 1
    assert replay.replay(dossier.events.order_by("sequence")).state == State.SUBMITTED


def test_e_id_confirmation_needs_the_12_digit_id_and_the_online_path(hue):
    procedure = hue.procedure(MARRIAGE)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    common = {
        "by": hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        "reception_point": hue.point_phu_xuan,
        "procedure": procedure,
        "place_unit": hue.phu_vang,
        "confirmation": Confirmation.E_ID,
        "form_data": e_form(version, hue, hue.phu_vang),
        "now": T0,
    }
    with pytest.raises(DomainError) as refused:
        services.submit_assisted(applicant_info=services.ApplicantInfo(name="Phan Thị Mai"), **common)
    assert refused.value.code == "assisted.needs_id"
    with pytest.raises(DomainError) as refused:
        services.submit_assisted(
            applicant_info=services.ApplicantInfo(name="Phan Thị Mai", id_number="046195001234"),
            offline=OfflineReason.PROBE,
            **common,
        )
    assert refused.value.code == "assisted.offline_eid"


def test_recorded_offline_then_submitted_keeps_the_original_moment(hue):
    dossier = assisted(hue, now=T0, offline=OfflineReason.DECLARED)
    assert dossier.state == State.RECORDED_OFFLINE and dossier.recorded_offline_at == T0
    assert kinds(dossier) == [
        EventKind.ASSISTED_PREPARED,
        EventKind.SUBMISSION_CONFIRMED,
        EventKind.RECORDED_OFFLINE,
    ]
    assert dossier.events.get(kind=EventKind.RECORDED_OFFLINE).data["why"] == OfflineReason.DECLARED
    assert status_messages(dossier) == 0
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    assert list(selectors.recorded_offline_for(user=officer, on=T0.date())) == [dossier]

    back = T0 + dt.timedelta(days=1, hours=2)  # the next day, the path is back
    [submitted] = services.submit_pending_offline(now=back)
    assert submitted.pk == dossier.pk and submitted.state == State.SUBMITTED
    assert submitted.submitted_at == T0
    event = submitted.events.get(kind=EventKind.SUBMITTED)
    assert event.at == back
    assert event.data["recorded_offline_at"] == T0.astimezone(dt.UTC).isoformat()
    assert status_messages(submitted) == 1
    assert services.submit_pending_offline(now=back) == []  # nothing left

    accepted = services.accept(dossier=submitted, by=officer, now=back)
    assert accepted.received_at == T0  # the reception time is the moment at the counter
    expected = lookups.appointment_for(
        version=accepted.procedure_version, received_at=T0, agency_id=accepted.competent_agency_id
    )
    assert accepted.appointment_at == expected
    assert replay.replay(accepted.events.order_by("sequence")).state == State.IN_PROCESS


def test_only_a_reception_officer_of_the_receiving_agency_or_the_system_submits_a_recorded_dossier(hue):
    dossier = assisted(hue, now=T0, offline=OfflineReason.PROBE)
    other = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang)
    with pytest.raises(DomainError) as refused:
        services.submit_recorded_offline(dossier=dossier, by=other, now=T0)
    assert refused.value.code == "reception.not_allowed"
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.submit_recorded_offline(dossier=dossier, by=officer, now=T0 + dt.timedelta(hours=1))
    assert dossier.state == State.SUBMITTED and dossier.submitted_at == T0


def test_an_officer_without_a_counter_cannot_assist(hue):
    specialist = hue.staff(Role.SPECIALIST, hue.ubnd_phu_xuan)
    procedure = hue.procedure(MARRIAGE)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    with pytest.raises(DomainError) as refused:
        services.submit_assisted(
            by=specialist,
            reception_point=hue.point_phu_xuan,
            procedure=procedure,
            place_unit=hue.phu_vang,
            applicant_info=services.ApplicantInfo(name="Phan Thị Mai", id_number="046195001234"),
            confirmation=Confirmation.ON_THE_SPOT,
            citizen_confirmed=True,
            form_data=e_form(version, hue, hue.phu_vang),
            now=T0,
        )
    assert refused.value.code == "reception.not_allowed"
