"""E-mail through the real SMTP server process: what the applicant receives, and the failure paths."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import timezone

from dossiers.dossier_world import COMPLETE, T0, build_world, walk_in_px_for_pv
from motcua.dossiers import services as dossier_services
from motcua.notifications.constants import Channel, Kind, Status
from motcua.notifications.models import ContactPreference, Notification
from motcua.outbox.models import Status as OutboxStatus

from .conftest import deliver, notify_rows

pytestmark = pytest.mark.django_db


def walk_in(world, *, email: str = "", phone: str = "", with_account: bool = False):
    """A walk-in dossier received (accepted) at Phú Xuân, with the contact the officer typed."""
    typed = walk_in_px_for_pv(world)
    info = dataclasses.replace(typed["applicant_info"], email=email, phone=phone)
    dossier = dossier_services.receive_at_counter(
        **{**typed, "applicant_info": info, "applicant": world.citizen if with_account else None},
        documents=COMPLETE,
        now=T0,
    )
    return dossier_services.accept(dossier=dossier, by=world.officer_px, now=T0)


def confirm_email(user, address: str, *, language: str = "vi") -> None:
    ContactPreference.objects.update_or_create(
        citizen=user,
        defaults={
            "email": address,
            "email_confirmed_at": timezone.now(),
            "by_email": True,
            "language": language,
            "updated_at": timezone.now(),
        },
    )


def test_a_reception_sends_the_walk_in_applicant_an_email_in_vietnamese_with_the_dossier_code(channels):
    world = build_world()
    dossier = walk_in(world, email="hoa.nguyen@example.vn")
    assert [row.payload["event"] for row in notify_rows(dossier)] == ["received"]

    report = deliver()

    assert report.delivered == 1
    received = channels["smtp"].messages(to="hoa.nguyen@example.vn")
    assert len(received) == 1
    mail = received[0]
    assert dossier.code in mail["subject"]
    assert mail["subject"].startswith("Hồ sơ")
    assert "đã được tiếp nhận" in mail["subject"]
    assert "Kính gửi Nguyễn Thị Hoa" in mail["body"]
    assert "/dich-vu-cong/tra-cuu/" in mail["body"]
    assert mail["content_language"] == "vi"
    assert mail["from"] == "Một cửa điện tử Huế <thongbao@motcua.test>"
    row = Notification.objects.get(dossier=dossier, channel=Channel.EMAIL)
    assert (row.kind, row.status, row.address) == (Kind.RECEIVED, Status.SENT, "hoa.nguyen@example.vn")
    assert row.provider_id == mail["message_id"]
    assert row.citizen is None


def test_a_citizen_with_a_confirmed_address_is_told_in_english_when_they_chose_it(channels):
    world = build_world()
    confirm_email(world.citizen, "hoa@example.com", language="en")
    dossier = walk_in(world, email="typed-at-counter@example.vn", with_account=True)

    deliver()

    [mail] = channels["smtp"].messages(to="hoa@example.com")
    assert mail["subject"] == f"Application {dossier.code} has been received"
    assert f"/dich-vu-cong/ho-so/{dossier.code}/" in mail["body"]
    assert mail["content_language"] == "en"
    # The account's confirmed address is used, not the one typed at the counter.
    assert channels["smtp"].messages(to="typed-at-counter@example.vn") == []
    portal = Notification.objects.get(dossier=dossier, channel=Channel.PORTAL)
    assert (portal.citizen, portal.status, portal.language) == (world.citizen, Status.DELIVERED, "en")


def test_an_unconfirmed_address_gets_nothing(channels):
    world = build_world()
    ContactPreference.objects.create(
        citizen=world.citizen, email="unconfirmed@example.vn", by_email=True, updated_at=timezone.now()
    )
    dossier = walk_in(world, with_account=True)

    assert deliver().delivered == 1

    assert channels["smtp"].messages() == []
    assert list(Notification.objects.filter(dossier=dossier).values_list("channel", flat=True)) == [
        Channel.PORTAL
    ]


def test_a_redelivered_message_is_not_mailed_twice(channels):
    world = build_world()
    dossier = walk_in(world, email="once@example.vn")
    deliver()
    [row] = notify_rows(dossier)
    row.status = OutboxStatus.PENDING
    row.available_at = timezone.now()
    row.save()

    assert deliver().delivered == 1

    assert len(channels["smtp"].messages(to="once@example.vn")) == 1


def test_a_relay_in_trouble_makes_the_message_wait_and_it_goes_out_later(channels):
    world = build_world()
    dossier = walk_in(world, email="later@example.vn")
    channels["smtp"].set_faults(fail=True)

    report = deliver()

    assert report.retried == 1
    [row] = notify_rows(dossier)
    assert row.status == OutboxStatus.PENDING
    assert "451" in row.last_error
    assert channels["smtp"].messages() == []

    channels["smtp"].set_faults()
    assert deliver().delivered == 1
    assert len(channels["smtp"].messages(to="later@example.vn")) == 1


def test_the_relay_down_is_retried(channels):
    world = build_world()
    dossier = walk_in(world, email="down@example.vn")
    channels["smtp"].stop()

    assert deliver().retried == 1
    assert notify_rows(dossier)[0].status == OutboxStatus.PENDING
    assert Notification.objects.get(dossier=dossier, channel=Channel.EMAIL).status == Status.PENDING


def test_an_address_that_does_not_exist_is_a_dead_letter(channels):
    world = build_world()
    dossier = walk_in(world, email="nobody@mailbox.invalid")

    report = deliver()

    assert report.dead == 1
    [row] = notify_rows(dossier)
    assert row.status == OutboxStatus.DEAD
    assert "550" in row.last_error
    notification = Notification.objects.get(dossier=dossier, channel=Channel.EMAIL)
    assert notification.status == Status.FAILED
