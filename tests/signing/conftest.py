"""Fixtures for result documents: the output folder where rendered pages are kept for a human to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def output_dir() -> Path:
    """var/test-output/signing (MOTCUA_VAR_DIR): rendered PDFs and PNG pages stay there after the run."""
    folder = Path(settings.VAR_DIR) / "test-output" / "signing"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- the signing flow: the dossier world, a result template, keys from the test PKI -------------------


@pytest.fixture
def world(db):
    from dossiers.dossier_world import build_world

    return build_world()


@pytest.fixture
def result_template(world):
    from signing.flow_helpers import make_template

    return make_template(world)


@pytest.fixture
def keys(world, pki, pki_settings):
    """PKCS#12 keys from the session's test PKI for Phú Vang's leader (personal) and agency (seal); PAdES
    B-B (no time-stamping authority: ``test_flow_signing`` signs B-T against the reference TSA)."""
    from signing.flow_helpers import give_keys

    pki_settings["timestamp_url"] = ""
    return give_keys(world, pki.pki)
