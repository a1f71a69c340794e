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


@pytest.fixture(scope="module")
def reload_world_after_module(django_db_blocker):
    """For modules of transactional tests (``pytestmark`` ``usefixtures``): they flush the database, so the
    world ``django_db_setup`` loaded is put back for the tests after them."""
    yield
    with django_db_blocker.unblock():
        from motcua.operations.demo import load_demo

        load_demo(all_provinces=False)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked ``postgres`` (row locks, real concurrency) are skipped on SQLite."""
    if request.node.get_closest_marker("postgres") is not None:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL row locks and concurrent connections")


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


NATIONAL_PORTAL_ADAPTER = "motcua.integrations.national_portal.adapter.NationalPortalAdapter"


@pytest.fixture(scope="session")
def national_portal_process(tmp_path_factory):
    """The reference national portal (refservices.national_portal), one process for the session."""
    from refservices.national_portal.process import running_national_portal

    with running_national_portal(tmp_path_factory.mktemp("national-portal")) as portal:
        yield portal


@pytest.fixture
def national_portal(national_portal_process, settings):
    """The session's portal, emptied and without faults, and motcua's settings pointing at it."""
    portal = national_portal_process
    portal.start()  # a test may have stopped it
    portal.reset()
    portal.clear_faults()
    adapters = dict(getattr(settings, "MOTCUA_OUTBOX_ADAPTERS", None) or {})
    entry = dict(adapters.get("national_portal") or {"ADAPTER": NATIONAL_PORTAL_ADAPTER})
    entry["OPTIONS"] = {
        **(entry.get("OPTIONS") or {}),
        "url": portal.url,
        "username": portal.username,
        "password": portal.password,
    }
    adapters["national_portal"] = entry
    settings.MOTCUA_OUTBOX_ADAPTERS = adapters
    settings.MOTCUA_NATIONAL_PORTAL_URL = portal.url
    settings.MOTCUA_NATIONAL_PORTAL_USERNAME = portal.username
    settings.MOTCUA_NATIONAL_PORTAL_PASSWORD = portal.password
    yield portal
    portal.start()
    portal.clear_faults()


def pytest_collection_modifyitems(config, items):
    """On SQLite the test database lives in memory unless settings name a file (MOTCUA_TEST_SQLITE): a
    test whose subprocesses open the test database (marker ``subprocess_db``, e.g. the delivery workers of
    tests/integrations) needs the file, so the session then creates its test database in a temporary one."""
    if not any(item.get_closest_marker("subprocess_db") for item in items):
        return
    import shutil
    import tempfile
    from pathlib import Path

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get("NAME"):
        folder = Path(tempfile.mkdtemp(prefix="motcua-test-db-"))
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def registry_process():
    """The reference registries (refservices.registries), one process for the session."""
    from refservices.registries.process import running_registry

    with running_registry() as registry:
        yield registry


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """The test PKI (refservices.pki): new keys in a temporary directory, its CRL, OCSP and time-stamping
    server running for the session. ``pki.pki`` is the :class:`refservices.pki.Pki` (issue, revoke)."""
    from refservices.pki.process import running_pki

    with running_pki(tmp_path_factory.mktemp("pki")) as server:
        yield server


@pytest.fixture
def pki_settings(pki, settings):
    """MOTCUA_SIGNING pointing at the session's test PKI: its root trusted, its TSA for B-T."""
    settings.MOTCUA_SIGNING = {
        **(getattr(settings, "MOTCUA_SIGNING", None) or {}),
        "enabled": True,
        "trust_roots": [str(pki.pki.root_pem_path)],
        "timestamp_url": pki.pki.timestamp_url,
        "pki_dir": str(pki.pki.directory),
        "allow_fetching": True,
    }
    return settings.MOTCUA_SIGNING


@pytest.fixture
def registries(registry_process, settings):
    """The session's registries, running without faults, and motcua's settings pointing at them: a short
    timeout, no answer cache, fresh circuit breakers (tests change them through ``settings``)."""
    from motcua.registries import adapters

    registry = registry_process
    registry.start()  # a test may have stopped it
    registry.clear_faults()
    registry.forget_requests()
    settings.MOTCUA_REGISTRIES = {
        **(getattr(settings, "MOTCUA_REGISTRIES", None) or {}),
        "URL": registry.url,
        "CLIENT_ID": registry.client_id,
        "CLIENT_SECRET": registry.client_secret,
        "TIMEOUT_SECONDS": 2.0,
        "CONNECT_TIMEOUT_SECONDS": 0.5,
        "ATTEMPTS": 3,
        "BACKOFF_SECONDS": 0.05,
        "BREAKER_FAILURES": 5,
        "BREAKER_RESET_SECONDS": 30,
        "CACHE_SECONDS": 0,
    }
    adapters.reset_breakers()
    yield registry
    registry.start()
    registry.clear_faults()
    adapters.reset_breakers()
