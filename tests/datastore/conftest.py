"""Fixtures shared by the data-store tests: media files in a temporary folder, the Huế world of today and
the birth certificate the system issued to the demo citizen's child last month (born 40 days ago)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dossiers.dossier_catalog_world import hue_world
from motcua.datastore.models import StoredDocument

from .world import issue_birth_certificate

BORN = timezone.localdate() - dt.timedelta(days=40)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def hue(db):
    return hue_world(timezone.localdate())


@pytest.fixture
def certificate(hue) -> StoredDocument:
    """The birth certificate of the citizen's child, issued last month by Phú Vang."""
    issued = issue_birth_certificate(hue, now=timezone.now() - dt.timedelta(days=30), child_birth_date=BORN)
    return StoredDocument.objects.get(dossier=issued)
