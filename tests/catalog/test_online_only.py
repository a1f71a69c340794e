"""The online-only attribute of a procedure version (Directive 24/CT-TTg): carried by the interchange format
both ways, and set on a published version without a new version."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog import services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import Procedure, ProcedureVersion

from .conftest import catalog_text

pytestmark = pytest.mark.django_db

BASIS = "Chỉ thị 24/CT-TTg: không tiếp nhận hồ sơ giấy từ 01/10/2025"


def test_the_sample_export_carries_online_only_for_marriage_and_imports_back_unchanged():
    text = services.export_catalog(procedures=Procedure.objects.filter(code="1.000894"))
    assert "online_only:\n      from: 2025-10-01\n      basis: " in text and "24/CT-TTg" in text
    counts = services.import_catalog(text=text, publish=True)
    assert counts["versions_unchanged"] == 1 and counts["versions_updated"] == 0


def test_importing_a_published_version_again_with_online_only_updates_it_without_a_new_version(procedure):
    services.import_catalog(text=catalog_text(procedure), publish=True)
    procedure["versions"][0]["online_only"] = {"from": dt.date(2025, 10, 1), "basis": BASIS}
    counts = services.import_catalog(text=catalog_text(procedure), publish=True)
    assert counts["versions_updated"] == 1 and counts["versions_created"] == 0
    version = ProcedureVersion.objects.get(procedure__code=procedure["code"])
    assert version.is_published and version.number == 1
    assert (version.online_only_from, version.online_only_basis) == (dt.date(2025, 10, 1), BASIS)
    assert version.is_online_only(dt.date(2025, 10, 1)) and not version.is_online_only(dt.date(2025, 9, 30))
    exported = services.export_catalog(procedures=Procedure.objects.filter(code=procedure["code"]))
    assert "online_only:\n      from: 2025-10-01" in exported
    del procedure["versions"][0]["online_only"]  # paper accepted again
    services.import_catalog(text=catalog_text(procedure), publish=True)
    version.refresh_from_db()
    assert version.online_only_from is None and version.online_only_basis == ""


def test_a_bad_online_only_date_is_reported_with_its_line(procedure):
    procedure["versions"][0]["online_only"] = {"from": "01/10/2025", "whom": "x"}
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=True)
    message = str(caught.value)
    assert "'from' phải là ngày dạng YYYY-MM-DD" in message and "whom" in message


def test_other_fields_of_a_published_version_stay_frozen(procedure):
    services.import_catalog(text=catalog_text(procedure), publish=True)
    version = ProcedureVersion.objects.get(procedure__code=procedure["code"])
    services.set_online_only(version=version, start=dt.date(2025, 10, 1), basis=BASIS)
    version.result_name = "Khác"
    with pytest.raises(Exception) as refused:
        version.save()
    assert getattr(refused.value, "code", "") == "version.immutable"
