"""The citizen's "Thông báo" page: their own notifications, newest first, the unread count; nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.dossier_world import accepted
from motcua.notifications.constants import Channel, Kind
from motcua.notifications.models import Notification

from .conftest import deliver

pytestmark = pytest.mark.django_db


def told(world, *, with_channels=True):
    """A dossier of the world's citizen received, and its notification delivered to the portal list."""
    dossier = accepted(world)
    deliver()
    return dossier, Notification.objects.get(dossier=dossier, channel=Channel.PORTAL)


def test_the_citizen_sees_their_notifications_newest_first_with_the_unread_count(channels, world, client):
    dossier, first = told(world)
    later = Notification.objects.create(
        province_code=first.province_code,
        dossier=dossier,
        citizen=world.citizen,
        channel=Channel.PORTAL,
        kind=Kind.RESULT_READY,
        subject=f"Hồ sơ {dossier.code} đã có kết quả",
        body="…",
        status="delivered",
        source_key="test:later",
        created_at=timezone.now() + dt.timedelta(minutes=1),
    )
    client.force_login(world.citizen)

    page = client.get(reverse("portal:notifications"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "2 thông báo chưa đọc" in html
    assert html.index(f'data-notification="{later.pk}"') < html.index(f'data-notification="{first.pk}"')
    assert f"Hồ sơ {dossier.code} đã được tiếp nhận" in html

    detail = client.get(reverse("portal:notification", args=[first.pk]))

    assert detail.status_code == 200
    assert "Kính gửi" in detail.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert "1 thông báo chưa đọc" in client.get(reverse("portal:notifications")).content.decode()

    client.post(reverse("portal:notifications_read"))
    assert "0 thông báo chưa đọc" in client.get(reverse("portal:notifications")).content.decode()


def test_the_dossier_page_lists_what_the_citizen_was_told_about_it(channels, world, client):
    dossier, notification = told(world)
    client.force_login(world.citizen)

    page = client.get(reverse("portal:my_dossier", args=[dossier.code]))

    assert page.status_code == 200
    assert reverse("portal:notification", args=[notification.pk]) in page.content.decode()


def test_another_citizen_cannot_see_your_notifications(channels, world, client):
    _dossier, notification = told(world)
    client.force_login(world.stranger)

    assert client.get(reverse("portal:notification", args=[notification.pk])).status_code == 404
    listing = client.get(reverse("portal:notifications")).content.decode()
    assert f'data-notification="{notification.pk}"' not in listing
    assert "0 thông báo chưa đọc" in listing
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_notification_pages_need_a_login(client):
    for url in (reverse("portal:notifications"), reverse("portal:notification_settings")):
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer.url.startswith(reverse("portal:login"))
