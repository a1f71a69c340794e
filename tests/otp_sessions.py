"""A test session that passed the second factor, as after the workspace login (the admin requires one)."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verified_session(user, client: Client | None = None) -> Client:
    """Log ``user`` in on ``client`` (a new one by default) with a confirmed TOTP device verified."""
    client = client or Client()
    device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
