"""Legacy import: a generated export of Huế's old one-stop system is checked, imported and reconciled."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.org.models import Agency, AgencyLevel
from motcua.portal.tracking import public_lookup
from motcua.reorg.legacy import format as fmt
from motcua.reorg.legacy.generate import generate
from motcua.reorg.legacy.importer import MERGED, NOTICE, REJECTED, import_export, plan_import
from motcua.reorg.legacy.reconcile import reconcile
from motcua.reorg.legacy_models import LegacyAttachment, LegacyRecord
from reorg.legacy_exports import clean_row, copy_export, rewrite_rows

REFORM_DATE = dt.date(2025, 7, 1)


@pytest.fixture(scope="module")
def export(tmp_path_factory, django_db_blocker):
    """A small export with every defect drawn often (ten times the usual rates)."""
    with django_db_blocker.unblock():
        return generate(tmp_path_factory.mktemp("legacy") / "export", dossiers=40, seed=7, defects=10)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def own_export(export, tmp_path):
    return copy_export(export.directory, tmp_path / "export")


def _import(directory, tmp_path, **options):
    return import_export(directory=directory, batch_size=25, report_path=tmp_path / "report.csv", **options)


def _report(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_generated_export_imports_and_reconciles_with_no_unexplained_difference(
    db, export, media, tmp_path
):
    outcome = _import(export.directory, tmp_path)
    plan = outcome.plan

    imported = Dossier.objects.exclude(legacy_code="")
    assert imported.count() == len(plan.dossiers) == outcome.imported["dossier"] > 0
    assert set(imported.values_list("state", flat=True)) <= {State.RETURNED, State.STOPPED, State.WITHDRAWN}
    for dossier in imported.select_related("current_step"):
        replayed = replay(dossier.events.order_by("sequence"))
        expected = current_as_replayed(dossier)
        expected.appointments = replayed.appointments
        assert replayed == expected, dossier.code
        assert dossier.competent_agency.valid_to <= REFORM_DATE  # keeps its original (old) agency
    assert DossierEvent.objects.filter(dossier__in=imported).count() == outcome.imported["event"]
    assert LegacyAttachment.objects.count() == outcome.imported["attachment"]

    result = reconcile(export.directory)
    assert result.unexplained == []
    assert result.clean
    dossiers = [line for line in result.counts if line.entity == "dossier"]
    assert sum(line.imported for line in dossiers) == imported.count()
    assert sum(line.source for line in dossiers) == export.counts[fmt.DOSSIERS]


def test_old_agencies_end_before_the_reform_with_their_successor_when_known(db, export, media, tmp_path):
    _import(export.directory, tmp_path)
    commune_row = next(
        row
        for row in map(__import__("json").loads, (export.directory / fmt.AGENCIES).read_text().splitlines())
        if row["level"] == "xa" and row.get("successor_code")
    )
    old = Agency.objects.get(code=commune_row["code"], valid_to=REFORM_DATE)
    assert old.successor is not None and old.successor.code == commune_row["successor_code"]
    assert old.successor.is_valid_on(REFORM_DATE)
    assert list(old.successors.all()) == [old.successor]  # the one the export names reads the archive
    assert old.reception_points.get().valid_to == REFORM_DATE
    # A district body keeps its historical level on its old district, not on the province.
    district_row = next(
        row
        for row in map(__import__("json").loads, (export.directory / fmt.AGENCIES).read_text().splitlines())
        if row["level"] == "huyen"
    )
    district = Agency.objects.get(code=district_row["code"], valid_to=REFORM_DATE)
    assert district.level == AgencyLevel.DISTRICT and district.unit.level == "district"
    assert district.unit.code == district_row["unit_code"]


def test_each_defect_of_the_export_is_reported_with_its_reason(db, export, media, tmp_path):
    outcome = _import(export.directory, tmp_path)
    report = _report(outcome.report_path)
    assert export.duplicates and export.conflicts and export.missing_files and export.bad_checksums

    merged = {row["key"] for row in report if row["outcome"] == MERGED and row["file"] == fmt.DOSSIERS}
    assert set(export.duplicates) <= merged
    rejected = [row for row in report if row["outcome"] == REJECTED]
    for code in export.conflicts:
        assert any(row["key"] == code and "nội dung khác nhau" in row["message"] for row in rejected)
        assert not Dossier.objects.filter(legacy_code=code).exists()
    by_line = {(row["file"], row["line"]): row["message"] for row in rejected}
    attachment_lines = {
        __import__("json").loads(line)["path"]: str(number)
        for number, line in enumerate((export.directory / fmt.ATTACHMENTS).read_text().splitlines(), start=1)
    }
    conflicting = tuple(f"/{code}/" for code in export.conflicts)  # their files go with the dossier
    for path in [
        p
        for p in export.missing_files
        if not p.endswith(conflicting) and not any(c in p for c in conflicting)
    ]:
        assert by_line[(fmt.ATTACHMENTS, attachment_lines[path])].startswith("Không có tệp")
        assert not LegacyAttachment.objects.filter(source_path=path).exists()
    for path in [p for p in export.bad_checksums if not any(c in p for c in conflicting)]:
        assert "SHA-256" in by_line[(fmt.ATTACHMENTS, attachment_lines[path])]
        assert not LegacyAttachment.objects.filter(source_path=path).exists()


def test_importing_the_same_export_twice_changes_nothing(db, export, media, tmp_path):
    _import(export.directory, tmp_path)
    counts = (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        LegacyRecord.objects.count(),
        Agency.objects.count(),
    )

    again = _import(export.directory, tmp_path)

    assert again.already_done and not again.imported
    assert counts == (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        LegacyRecord.objects.count(),
        Agency.objects.count(),
    )


def test_a_corrupted_attachment_is_the_one_difference_reconciliation_reports(db, export, media, tmp_path):
    _import(export.directory, tmp_path)
    damaged = LegacyAttachment.objects.order_by("pk")[3]
    path = media / damaged.file_ref
    path.write_bytes(path.read_bytes() + b"\n% bit rot")

    result = reconcile(export.directory)

    assert [(d.entity, d.key) for d in result.unexplained] == [("attachment", damaged.source_path)]
    assert "SHA-256" in result.unexplained[0].message
    assert not result.clean


def test_reconcile_exits_non_zero_on_an_unexplained_difference(db, export, media, tmp_path):
    _import(export.directory, tmp_path)
    default_storage.delete(LegacyAttachment.objects.order_by("pk").first().file_ref)

    with pytest.raises(SystemExit) as exited:
        call_command("legacy", "reconcile", str(export.directory))
    assert exited.value.code == 1


def test_the_public_lookup_finds_an_imported_dossier_by_its_old_code(db, export, media, tmp_path):
    _import(export.directory, tmp_path)
    dossier = Dossier.objects.exclude(legacy_code="").order_by("pk").first()
    typed = dossier.legacy_code.replace(".", " ").replace("-", " ").lower()  # as read from the old receipt

    status = public_lookup(code=typed, id_last4=dossier.applicant_id_number[-4:])

    assert status.code == dossier.legacy_code
    assert status.agency == dossier.competent_agency.name


def test_a_broken_row_is_rejected_with_its_message_and_nothing_of_it_imported(
    db, export, own_export, media, tmp_path
):
    broken = clean_row(export)["code"]
    rewrite_rows(
        own_export,
        fmt.DOSSIERS,
        lambda row: (
            {**row, "procedure_code": "9.999999", "received_at": "05/03/2024"}
            if row["code"] == broken
            else row
        ),
    )

    outcome = _import(own_export, tmp_path)

    report = [row for row in _report(outcome.report_path) if row["key"] == broken]
    messages = {(row["file"], row["field"]): row["message"] for row in report if row["outcome"] == REJECTED}
    assert messages[(fmt.DOSSIERS, "received_at")].startswith("Thời điểm phải có dạng ISO 8601")
    assert any(file == fmt.EVENTS for file, _field in messages)  # its history is left out with it
    assert any(file == fmt.ATTACHMENTS for file, _field in messages)
    assert not Dossier.objects.filter(legacy_code=broken).exists()
    assert not LegacyRecord.objects.filter(key__startswith=broken).exists()
    assert Dossier.objects.exclude(legacy_code="").count() == len(outcome.plan.dossiers) > 0
    assert reconcile(own_export).clean


def test_an_export_whose_files_differ_from_its_manifest_imports_nothing(db, own_export, media, tmp_path):
    with (own_export / fmt.EVENTS).open("a", encoding="utf-8") as handle:
        handle.write('{"dossier_code": "x", "seq": 1}\n')

    outcome = _import(own_export, tmp_path)

    assert outcome.run is None
    assert {row["file"] for row in _report(outcome.report_path)} == {fmt.EVENTS}
    assert not Dossier.objects.exclude(legacy_code="").exists()


def test_an_ambiguous_old_address_is_kept_as_given_and_listed(db, export, own_export, media, tmp_path):
    target = clean_row(export)
    rewrite_rows(
        own_export,
        fmt.DOSSIERS,
        lambda row: (
            {**row, "unit_code": "", "address": "Thôn 2, xã Hương Phong, Thừa Thiên Huế"}
            if row["code"] == target["code"]
            else row
        ),
    )

    plan = plan_import(own_export, check_content=False)

    notices = [e for outcome, e in plan.issues if outcome == NOTICE and e.key == target["code"]]
    assert [e.field for e in notices] == ["address"]
    assert "Hương Phong" in notices[0].message
    planned = next(d for d in plan.dossiers if d.row["code"] == target["code"])
    assert planned.place_note["place"] == "kept"
    assert planned.place_unit.valid_to == REFORM_DATE  # the old unit, as given: never guessed


def test_an_old_unit_with_one_successor_becomes_that_2025_commune(db, export):
    plan = plan_import(export.directory, check_content=False)

    by_unit = [d for d in plan.dossiers if d.place_note.get("place") == "unit"]
    assert by_unit
    assert all(d.place_unit.valid_to is None and d.place_unit.valid_from == REFORM_DATE for d in by_unit)


def test_the_inbox_search_matches_the_old_code(db, export, media, tmp_path):
    from motcua.dossiers.selectors.inbox import InboxFilters

    _import(export.directory, tmp_path)
    dossier = Dossier.objects.exclude(legacy_code="").order_by("pk").last()
    typed = dossier.legacy_code.split("-", 1)[1].lower()  # the day and number, as an officer types them

    found = Dossier.objects.filter(InboxFilters(query=typed).condition())

    assert dossier in found


def test_the_successor_officers_read_the_imported_archive_and_find_it_by_the_old_code(
    db, export, media, tmp_path
):
    from dossiers.dossier_world import make_staff
    from motcua.dossiers import access
    from motcua.dossiers.selectors import can_view
    from motcua.dossiers.selectors.inbox import InboxFilters, inbox_page
    from motcua.org.models import Role

    _import(export.directory, tmp_path)
    dossier = next(
        d
        for d in Dossier.objects.exclude(legacy_code="").select_related("competent_agency").order_by("pk")
        if d.competent_agency.successor_id is not None
    )
    old = dossier.competent_agency
    assert old.valid_to == REFORM_DATE
    reader = make_staff(old.successor, Role.SPECIALIST)
    unrelated_agency = (
        Agency.objects.valid_on(REFORM_DATE)
        .filter(level=old.successor.level)
        .exclude(pk=old.successor_id)
        .order_by("code")
        .first()
    )
    outsider = make_staff(unrelated_agency, Role.SPECIALIST)
    now = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
    typed = dossier.legacy_code.split("-", 1)[1].lower()

    assert can_view(dossier=dossier, user=reader, on=now.date())
    assert not can_view(dossier=dossier, user=outsider, on=now.date())
    assert not access.may(reader, access.Act.RECORD_REFUND, dossier, on=now.date())
    found = inbox_page(user=reader, now=now, filters=InboxFilters(query=typed)).dossiers
    assert dossier.pk in {d.pk for d in found}
    assert not inbox_page(user=outsider, now=now, filters=InboxFilters(query=typed)).dossiers
    assert dossier.pk not in {d.pk for d in inbox_page(user=reader, now=now).dossiers}
