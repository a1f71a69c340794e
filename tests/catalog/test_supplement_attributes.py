"""The supplement rules are catalog data per version (docs/legal-basis.md section 8): the clock after a
supplement (``supplement_clock``, default "resume") and the deadline for asking (``supplement_request_days``),
carried by the interchange format both ways."""

from __future__ import annotations

import pytest

from motcua.catalog import services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import SupplementClock

from .conftest import catalog_text, import_draft

pytestmark = pytest.mark.django_db


def test_a_version_without_the_attributes_resumes_the_clock_and_has_no_deadline(procedure):
    version = import_draft(procedure)
    assert version.supplement_clock == SupplementClock.RESUME
    assert version.supplement_request_days is None
    exported = services.export_catalog(procedures=[version.procedure])
    assert "supplement_clock" not in exported and "supplement_request_days" not in exported


def test_restart_and_a_deadline_for_asking_go_in_and_out_of_the_file(procedure):
    procedure["versions"][0].update(supplement_clock="restart", supplement_request_days=5)
    version = import_draft(procedure)
    assert version.supplement_clock == SupplementClock.RESTART
    assert version.supplement_request_days == 5
    exported = services.export_catalog(procedures=[version.procedure])
    assert "supplement_clock: restart" in exported and "supplement_request_days: 5" in exported
    # Imported again unchanged, the version is recognised as the same.
    assert services.import_catalog(text=exported, publish=False)["versions_unchanged"] == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("supplement_clock", "pause", "'supplement_clock' phải là một trong"),
        ("supplement_request_days", 0, "'supplement_request_days' phải là số nguyên ≥ 1"),
        ("supplement_request_days", 400, "'supplement_request_days' tối đa 250"),
    ],
)
def test_a_bad_value_is_reported_and_nothing_is_imported(procedure, key, value, message):
    procedure["versions"][0][key] = value
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=False)
    assert message in str(caught.value)
