"""The shipped Huế sample catalog: imported by the session fixture, verified clean, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.verifier import verify

pytestmark = pytest.mark.django_db


def test_the_sample_has_at_least_25_published_procedures_at_both_levels():
    assert Procedure.objects.count() >= 25
    assert Procedure.objects.filter(at_commune=True).count() >= 15
    assert Procedure.objects.filter(at_province=True).exists()
    assert Procedure.objects.values("field").distinct().count() >= 6
    assert not ProcedureVersion.objects.exclude(status=VersionStatus.PUBLISHED).exists()
    assert not ProcedureVersion.objects.filter(source="").exists()


@pytest.mark.parametrize("day", [dt.date(2025, 7, 1), dt.date(2025, 10, 1), dt.date(2026, 1, 1), "today"])
def test_the_sample_verifies_clean(day):
    """The two-tier start, the online-only date (Directive 24/CT-TTg), Huế's civil status fees, and today."""
    report = verify(on=timezone.localdate() if day == "today" else day)
    assert report.communes == 40
    assert report.procedures == Procedure.objects.count()
    assert report.ok, report.as_text()
    # Only information remains: the "[kiểm tra]" flags of the sample, listed, never an error or a warning.
    assert not report.errors and not report.warnings, report.as_text()
    assert {f.rule for f in report.notices} <= {"catalog.unconfirmed"}


def test_importing_the_sample_again_changes_nothing():
    before = services.export_catalog()
    counts = services.import_sample_catalog()
    assert counts["versions_created"] == counts["versions_published"] == counts["procedures_created"] == 0
    assert counts["versions_unchanged"] == ProcedureVersion.objects.count()
    assert services.export_catalog() == before
