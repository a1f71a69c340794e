"""Shared fixtures: every test database starts with Huế's geography, organization and sample catalog."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MOTCUA_ENV", "test")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Huế world once per session; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        from motcua.operations.demo import load_demo

        load_demo(all_provinces=False)


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Each test starts in Vietnamese: a request in English must not leave its language behind."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, with the verified second factor the admin site requires."""
    from otp_sessions import verified_session

    return verified_session(admin_user, client)
