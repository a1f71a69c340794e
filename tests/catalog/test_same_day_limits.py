"""Issue 11, items 5 and 7 in the catalog: a same-day version with its lawful extension (``extension_max``
and its source, e.g. Luật Hộ tịch 2014 Art. 18(2) for marriage) and the number of apologies it allows,
carried by the interchange both ways; the verifier keeps a same-day procedure's steps inside one working day.
"""

from __future__ import annotations

import pytest

from motcua.catalog import interchange, services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.time_limits import describe_time_limit

from .conftest import catalog_text, check, import_draft, steps_of

pytestmark = pytest.mark.django_db

BASIS = "Khoản 2 Điều 18 Luật Hộ tịch 2014"


def same_day(procedure, *, extension: int | None = 5, apologies: int | None = None):
    limit = {"amount": 1, "unit": "working_days", "same_day_cutoff": "15:00"}
    if extension is not None:
        limit |= {"extension_max": extension, "extension_basis": BASIS}
    version = procedure["versions"][0]
    version["time_limit"] = limit
    if apologies is not None:
        version["apologies_allowed"] = apologies
    steps = steps_of(procedure)
    steps["xu_ly"]["hours"] = 2  # 2 + 2 + 4 + 2 = 10 h: longer than a working day
    return procedure


def test_extension_and_apologies_go_through_the_interchange_both_ways(procedure):
    version = import_draft(same_day(procedure, apologies=2))
    assert (version.extension_max, version.extension_basis, version.apologies_allowed) == (5, BASIS, 2)
    dumped = interchange.dump_version(version)
    assert dumped["time_limit"] == {
        "amount": 1,
        "unit": "working_days",
        "same_day_cutoff": "15:00",
        "extension_max": 5,
        "extension_basis": BASIS,
    }
    assert dumped["apologies_allowed"] == 2
    text = services.export_catalog(procedures=Procedure.objects.filter(code=procedure["code"]))
    assert "extension_max: 5" in text and "apologies_allowed: 2" in text
    # Imported again, the exported text is the same version: nothing to replace.
    counts = services.import_catalog(text=text, publish=False)
    assert counts["versions_replaced"] + counts["versions_created"] <= 1
    assert services.export_catalog(procedures=Procedure.objects.filter(code=procedure["code"])) == text


def test_the_default_of_one_apology_and_no_extension_are_left_out_of_the_file(procedure):
    version = import_draft(procedure)
    assert version.apologies_allowed == 1 and version.extension_max is None
    dumped = interchange.dump_version(version)
    assert "apologies_allowed" not in dumped and "extension_max" not in dumped["time_limit"]


def test_an_extension_without_its_source_is_refused_on_import(procedure):
    same_day(procedure)
    del procedure["versions"][0]["time_limit"]["extension_basis"]
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=False)
    assert "extension_basis" in str(caught.value)
    assert not Procedure.objects.filter(code=procedure["code"]).exists()


def test_a_same_day_workflow_longer_than_a_working_day_is_a_finding(procedure):
    report = check(import_draft(same_day(procedure)))
    messages = report.messages("time.same_day")
    assert messages, report.as_text()
    assert "10 giờ làm việc" in messages[0] and "8 giờ làm việc" in messages[0]


def test_a_same_day_workflow_that_fits_in_the_day_verifies_clean(procedure):
    same_day(procedure)
    steps_of(procedure)["xu_ly"]["hours"] = 1
    steps_of(procedure)["ky"]["hours"] = 3
    report = check(import_draft(procedure))
    assert report.ok and not report.findings, report.as_text()


def test_a_cutoff_on_a_limit_longer_than_a_day_is_a_finding(procedure):
    procedure["versions"][0]["time_limit"]["same_day_cutoff"] = "15:00"  # 3 working days
    report = check(import_draft(procedure))
    assert report.messages("time.same_day"), report.as_text()


def test_an_extension_without_basis_set_in_the_admin_is_a_finding(procedure):
    version = import_draft(same_day(procedure))
    ProcedureVersion.objects.filter(pk=version.pk).update(extension_basis="")
    assert check(version).messages("time.extension_basis")


def test_a_same_day_limit_reads_trong_ngay_not_one_working_day(procedure):
    version = import_draft(same_day(procedure))
    text = describe_time_limit(version)
    assert text.startswith("trong ngày (hồ sơ nhận sau 15:00 trả trong ngày làm việc tiếp theo)")
    assert "1 ngày làm việc" not in text and "không quá 5 ngày làm việc" in text
    version.same_day_cutoff = None
    assert describe_time_limit(version).startswith("1 ngày làm việc")
