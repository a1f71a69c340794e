"""Fixtures for the post: the dossier world of tests/dossiers, the reference postal service as a real process
(refservices.postal, one for the session) and motcua's settings pointing at it."""

from __future__ import annotations

import pytest

from dossiers.dossier_world import World, build_world

POSTAL_ADAPTER = "motcua.postal.adapter.PostalAdapter"


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="session")
def postal_process():
    from refservices.postal.process import running_postal

    with running_postal() as postal:
        yield postal


@pytest.fixture
def postal(postal_process, settings):
    """The session's postal service, emptied and without faults; the adapter and the callback's secret set."""
    postal_process.start()  # a test may have stopped it
    postal_process.reset()
    settings.MOTCUA_POSTAL = {
        **settings.MOTCUA_POSTAL,
        "URL": postal_process.url,
        "API_KEY": postal_process.api_key,
        "CALLBACK_SECRET": postal_process.callback_secret,
        "VERIFY_SIGNATURES": True,
        "TIMEOUT_SECONDS": 5,
    }
    settings.MOTCUA_OUTBOX_ADAPTERS = {
        **settings.MOTCUA_OUTBOX_ADAPTERS,
        "postal": {"ADAPTER": POSTAL_ADAPTER, "OPTIONS": {}},
    }
    yield postal_process
    postal_process.start()
