"""Choosing channels and confirming an address once with a 6-digit code sent to it (through the real
SMTP server and SMS gateway)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.notifications import errors, services
from motcua.notifications.constants import Channel
from motcua.notifications.models import ContactConfirmation, ContactPreference

pytestmark = pytest.mark.django_db


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_an_email_address_is_confirmed_with_the_code_sent_to_it(channels, world, client):
    client.force_login(world.citizen)
    url = reverse("portal:notification_settings")

    sent = client.post(url, {"step": "send", "channel": "email", "address": "Hoa@Example.vn"})

    assert sent.status_code == 302
    [mail] = channels["smtp"].messages(to="hoa@example.vn")
    code = code_in(mail["body"])
    confirmation = ContactConfirmation.objects.get(citizen=world.citizen)
    assert code not in confirmation.code_hash and len(confirmation.code_hash) == 64  # only a keyed hash kept
    assert not ContactPreference.objects.filter(
        citizen=world.citizen, email_confirmed_at__isnull=False
    ).exists()

    confirmed = client.post(url, {"step": "confirm", "channel": "email", "code": code})

    assert confirmed.status_code == 302
    preference = ContactPreference.objects.get(citizen=world.citizen)
    assert (preference.email, preference.by_email) == ("hoa@example.vn", True)
    assert preference.email_confirmed_at is not None
    assert "hoa@example.vn" in client.get(url).content.decode()


def test_a_mobile_number_is_confirmed_by_sms_and_channels_are_chosen(channels, world, client):
    client.force_login(world.citizen)
    url = reverse("portal:notification_settings")
    client.post(url, {"step": "send", "channel": "sms", "address": "+84 905 111 222"})
    [sms] = channels["sms"].messages(to="0905111222")

    client.post(url, {"step": "confirm", "channel": "sms", "code": code_in(sms["text"])})
    chosen = client.post(url, {"step": "channels", "by_sms": "on", "language": "en"})

    assert chosen.status_code == 302
    preference = ContactPreference.objects.get(citizen=world.citizen)
    assert (preference.phone, preference.by_sms, preference.by_email, preference.language) == (
        "0905111222",
        True,
        False,
        "en",
    )


def test_a_channel_without_a_confirmed_address_cannot_be_chosen(channels, world, client):
    client.force_login(world.citizen)

    answer = client.post(reverse("portal:notification_settings"), {"step": "channels", "by_email": "on"})

    assert answer.status_code == 400
    assert f'data-error-code="{errors.NOT_CONFIRMED}"' in answer.content.decode()
    assert not ContactPreference.objects.filter(citizen=world.citizen, by_email=True).exists()


def test_a_wrong_code_counts_a_try_and_confirms_nothing(channels, world, client):
    client.force_login(world.citizen)
    url = reverse("portal:notification_settings")
    client.post(url, {"step": "send", "channel": "email", "address": "hoa@example.vn"})
    right = code_in(channels["smtp"].messages(to="hoa@example.vn")[0]["body"])
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    answer = client.post(url, {"step": "confirm", "channel": "email", "code": wrong})

    assert answer.status_code == 400
    assert "Mã xác nhận không đúng. Còn 4 lần thử." in answer.content.decode()
    assert ContactConfirmation.objects.get(citizen=world.citizen).attempts == 1
    assert not ContactPreference.objects.filter(citizen=world.citizen).exists()


def test_too_many_wrong_codes_lock_the_code_even_the_right_one(channels, world):
    services.start_confirmation(citizen=world.citizen, channel=Channel.EMAIL, address="hoa@example.vn")
    right = code_in(channels["smtp"].messages(to="hoa@example.vn")[0]["body"])
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    codes = []
    for _ in range(5):
        with pytest.raises(DomainError) as refused:
            services.confirm_address(citizen=world.citizen, channel=Channel.EMAIL, code=wrong)
        codes.append(refused.value.code)

    with pytest.raises(DomainError) as refused:
        services.confirm_address(citizen=world.citizen, channel=Channel.EMAIL, code=right)

    assert codes == [errors.CODE_WRONG] * 4 + [errors.CODE_TOO_MANY_TRIES]
    assert refused.value.code == errors.CODE_TOO_MANY_TRIES
    assert not ContactPreference.objects.filter(citizen=world.citizen).exists()


def test_an_expired_code_is_refused(channels, world):
    start = timezone.now()
    services.start_confirmation(
        citizen=world.citizen, channel=Channel.EMAIL, address="hoa@example.vn", now=start
    )
    code = code_in(channels["smtp"].messages(to="hoa@example.vn")[0]["body"])

    with pytest.raises(DomainError) as refused:
        services.confirm_address(
            citizen=world.citizen, channel=Channel.EMAIL, code=code, now=start + dt.timedelta(minutes=11)
        )

    assert refused.value.code == errors.CODE_EXPIRED
    assert not ContactPreference.objects.filter(citizen=world.citizen).exists()


def test_a_new_code_replaces_the_previous_one(channels, world):
    services.start_confirmation(citizen=world.citizen, channel=Channel.EMAIL, address="old@example.vn")
    old = code_in(channels["smtp"].messages(to="old@example.vn")[0]["body"])
    services.start_confirmation(citizen=world.citizen, channel=Channel.EMAIL, address="new@example.vn")
    new = code_in(channels["smtp"].messages(to="new@example.vn")[0]["body"])

    if old != new:
        with pytest.raises(DomainError):
            services.confirm_address(citizen=world.citizen, channel=Channel.EMAIL, code=old)
    preference = services.confirm_address(citizen=world.citizen, channel=Channel.EMAIL, code=new)

    assert preference.email == "new@example.vn"


@pytest.mark.parametrize(("channel", "address"), [("email", "not-an-address"), ("sms", "12345")])
def test_an_invalid_address_gets_no_code(channels, world, channel, address):
    with pytest.raises(DomainError) as refused:
        services.start_confirmation(citizen=world.citizen, channel=channel, address=address)

    assert refused.value.code == errors.ADDRESS_INVALID
    assert not ContactConfirmation.objects.exists()
    assert channels["smtp"].messages() == [] and channels["sms"].messages() == []


def test_a_code_that_cannot_be_sent_is_not_kept_open(channels, world):
    channels["sms"].set_faults(fail=True)

    with pytest.raises(DomainError) as refused:
        services.start_confirmation(citizen=world.citizen, channel=Channel.SMS, address="0905111222")

    assert refused.value.code == errors.SEND_FAILED
    assert not ContactConfirmation.objects.filter(replaced_at__isnull=True).exists()
