"""Backup → wipe → restore (motcua.reorg.backup) on the suite's database, SQLite or PostgreSQL.

A module fixture builds a small world through the services on the session's database, committed (a returned
birth registration whose result is filed in the data store, and a disability allowance received at the counter
with a scanned document), backs it up plainly and encrypted, and takes it away again afterwards (flush, the
world reloaded). Each test restores into a new target: a SQLite file, or the PostgreSQL database ``h_backup2``
(``<name>2`` beside the suite's database), with an empty media root.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from datastore.world import ALLOWANCE, issue_birth_certificate
from dossiers.dossier_catalog_world import hue_world, receive
from motcua.core.errors import DomainError
from motcua.datastore.models import StoredDocument
from motcua.dossiers import files, lookups, services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.org.models import Role
from motcua.reorg import backup
from pdf_samples import CLEAN_PDF

KEY = base64.b64encode(bytes(range(32))).decode()
PROBE = Path(__file__).with_name("backup_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def checksums(root: Path) -> dict[str, str]:
    """Every file under ``root`` and its SHA-256."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class Saved:
    """The world as it was backed up: its archives and what the restored copies must equal."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.media = folder / "media"
        self.plain = folder / "plain.tar"
        self.encrypted = folder / "encrypted.tar.enc"
        self.state: backup.State
        self.files: dict[str, str] = {}
        self.returned: Dossier
        self.received: Dossier
        self.reception_officer_id: int
        self.scan_ref: str
        self.now: dt.datetime


def _build(saved: Saved) -> None:
    now = timezone.now().replace(microsecond=0)
    hue = hue_world(timezone.localdate(now))
    saved.returned = issue_birth_certificate(
        hue, now=now - dt.timedelta(days=3), child_birth_date=now.date() - dt.timedelta(days=10)
    )
    procedure = hue.procedure(ALLOWANCE)
    version = lookups.version_in_force(procedure=procedure, on=now.date())
    scan = files.store_upload(SimpleUploadedFile("xac-nhan.pdf", CLEAN_PDF), folder="test/scans")
    documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
    documents.append(services.DocumentInput(code="xac_nhan_khuyet_tat", source="file", file_ref=scan.ref))
    saved.received = receive(
        hue,
        procedure,
        point=hue.point_phu_vang,
        place=hue.phu_vang,
        now=now - dt.timedelta(hours=1),
        documents=documents,
        form_data={"beneficiary_name": "Phan Thị Mai", "beneficiary_id_number": hue.citizen.national_id},
    )
    saved.reception_officer_id = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang).pk
    # A file no row names (a signed copy kept by the signing service): a backup takes every stored file, and
    # this one makes the archive longer than one encryption chunk.
    default_storage.save("signing/test/ban-ky.bin", ContentFile(os.urandom(backup.CHUNK + 4096)))
    saved.scan_ref, saved.now = scan.ref, now


@pytest.fixture(scope="module")
def saved(django_db_setup, django_db_blocker, tmp_path_factory):
    saved = Saved(tmp_path_factory.mktemp("backup-world"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=saved.media):
        try:
            _build(saved)
            assert (
                StoredDocument.objects.count() == 2 and DossierDocument.objects.exclude(file_ref="").exists()
            )
            backup.create_backup(out=saved.plain, tool_timeout=120)
            with _env(MOTCUA_BACKUP_KEY=KEY):
                backup.create_backup(out=saved.encrypted, key=backup.Key.from_env(), tool_timeout=120)
            saved.state = backup.database_state(backup.database())
            saved.files = checksums(saved.media)
            yield saved
        finally:
            call_command("flush", interactive=False, verbosity=0)
            from motcua.operations.demo import load_demo

            load_demo(all_provinces=False)
            # The flush also took the rows data migrations write (the default office hours).
            import importlib

            from django.apps import apps

            importlib.import_module("motcua.calendar.migrations.0002_default_office_hours").seed(apps, None)


class _env:
    """Environment variables for the block (MOTCUA_BACKUP_KEY, MOTCUA_BACKUP_PASSPHRASE_FILE)."""

    def __init__(self, **values: str) -> None:
        self.values, self.before = values, {name: os.environ.get(name) for name in values}

    def __enter__(self) -> None:
        os.environ.update(self.values)

    def __exit__(self, *exc: object) -> None:
        for name, value in self.before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def target(tmp_path):
    """A new, empty database of the suite's kind and an empty var dir (media root) to restore into."""
    var = tmp_path / "var"
    (var / "media").mkdir(parents=True)
    if connection.vendor == "postgresql":
        import psycopg

        settings_dict = connection.settings_dict
        name = settings_dict["NAME"].removeprefix("test_") + "2"
        admin = dict(
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            user=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
        )
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        user = settings_dict["USER"] or "postgres"
        url = (
            f"postgres://{user}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"
        )
    else:
        url = f"sqlite:///{var / 'motcua.sqlite3'}"
    with override_settings(MEDIA_ROOT=var / "media"):
        yield url, var
    if connection.vendor == "postgresql":  # not left behind on the server after the run
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def probe(url: str, var: Path, saved: Saved) -> dict:
    """The restored installation, in its own process: lookup, a stored file, an officer's step."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MOTCUA_VAR_DIR": str(var),
        "MOTCUA_ENV": "test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests"), str(ROOT)]),
    }
    done = subprocess.run(
        [
            sys.executable,
            str(PROBE),
            saved.returned.code,
            saved.returned.applicant_id_number[-4:],
            str(saved.received.pk),
            str(saved.reception_officer_id),
            saved.scan_ref,
            saved.now.isoformat(),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def flipped(source: Path, into: Path, member: str) -> Path:
    """A copy of the archive with one byte of ``member``'s content flipped."""
    with tarfile.open(source) as archive:
        offset = archive.getmember(member).offset_data
    data = bytearray(source.read_bytes())
    data[offset + 3] ^= 0x01
    into.write_bytes(bytes(data))
    return into


def test_backup_wipe_restore_gives_identical_counts_and_files_and_a_working_installation(saved, target):
    url, var = target
    report = backup.restore_backup(path=saved.plain, database_url=url, write=True, tool_timeout=120)
    assert report.restored and report.rows == sum(saved.state.tables.values())
    restored = backup.database_state(backup.database(url))
    assert restored.tables == saved.state.tables and restored.migrations == saved.state.migrations
    assert restored.tables["dossiers_dossier"] >= 2
    assert checksums(var / "media") == saved.files and len(saved.files) >= 3
    seen = probe(url, var, saved)
    assert seen["lookup_found"] is True
    assert seen["file_sha256"] == saved.files[saved.scan_ref]
    assert seen["state"] == "in_process" and seen["open_steps"] == 1


def test_the_manifest_lists_engine_migrations_counts_and_a_checksum_per_member(saved):
    with tarfile.open(saved.plain) as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
        for name, entry in manifest["members"].items():
            content = archive.extractfile(name).read()  # type: ignore[union-attr]
            assert hashlib.sha256(content).hexdigest() == entry["sha256"] and len(content) == entry["size"]
    assert names[-2:] == [backup.MANIFEST, backup.MANIFEST_SHA]
    assert manifest["format"] == backup.FORMAT and manifest["engine"] == backup.database().engine
    assert manifest["tables"] == saved.state.tables and manifest["migrations"]["dossiers"].startswith("00")
    assert {f"files/default/{ref}" for ref in saved.files} <= set(manifest["members"])


def test_a_flipped_byte_in_a_file_is_refused_naming_the_member_and_nothing_changes(saved, target, tmp_path):
    url, var = target
    member = f"files/default/{saved.scan_ref}"
    broken = flipped(saved.plain, tmp_path / "broken.tar", member)
    before = backup.database_state(backup.database(url))
    with pytest.raises(DomainError) as refused:
        backup.restore_backup(path=broken, database_url=url, write=True, tool_timeout=120)
    assert refused.value.code == backup.ARCHIVE_INVALID and member in str(refused.value)
    assert backup.database_state(backup.database(url)) == before and checksums(var / "media") == {}


def test_a_truncated_archive_is_refused_and_the_command_exits_with_its_code(saved, target, tmp_path):
    url, var = target
    cut = tmp_path / "cut.tar"
    cut.write_bytes(saved.plain.read_bytes()[: saved.plain.stat().st_size // 2])
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(cut), "--yes", "--database-url", url)
    assert refused.value.returncode == backup.EXIT_CODES[backup.ARCHIVE_INVALID]
    assert checksums(var / "media") == {}


def test_restore_refuses_a_database_holding_data_unless_forced(saved, target, django_db_blocker):
    url, _var = target
    backup.restore_backup(path=saved.plain, database_url=url, write=True, tool_timeout=120)
    with pytest.raises(DomainError) as refused:
        backup.restore_backup(path=saved.plain, database_url=url, write=True, tool_timeout=120)
    assert refused.value.code == backup.TARGET_NOT_EMPTY and "catalog_procedure" in str(refused.value)
    report = backup.restore_backup(
        path=saved.plain, database_url=url, write=True, force=True, tool_timeout=120
    )
    assert report.restored and report.files_kept == len(saved.files)
    # The configured database holds the session's world: refused too, and the check alone changes nothing.
    # (No ``django_db`` mark: the module's tests stay with the tests that use no database, at the end of the
    # run, so the module's flush happens after every database test: pytest-django orders them so.)
    with django_db_blocker.unblock(), pytest.raises(DomainError) as configured:
        backup.restore_backup(path=saved.plain, write=False)
    assert configured.value.code == backup.TARGET_NOT_EMPTY


def test_an_encrypted_archive_round_trips_with_its_key(saved, target):
    url, var = target
    assert backup.is_encrypted(saved.encrypted) and not backup.is_encrypted(saved.plain)
    assert b"dossiers_dossier" not in saved.encrypted.read_bytes()
    with _env(MOTCUA_BACKUP_KEY=KEY):
        report = backup.restore_backup(
            path=saved.encrypted, key=backup.Key.from_env(), database_url=url, write=True, tool_timeout=120
        )
    assert report.restored
    assert backup.database_state(backup.database(url)).tables == saved.state.tables
    assert checksums(var / "media") == saved.files


def test_a_wrong_key_or_no_key_is_refused(saved, target):
    url, _var = target
    other = base64.b64encode(bytes(32)).decode()
    with _env(MOTCUA_BACKUP_KEY=other), pytest.raises(DomainError) as wrong:
        backup.restore_backup(path=saved.encrypted, key=backup.Key.from_env(), database_url=url)
    assert wrong.value.code == backup.KEY_REFUSED
    with pytest.raises(DomainError) as missing:
        backup.restore_backup(path=saved.encrypted, key=None, database_url=url)
    assert missing.value.code == backup.KEY_REFUSED
    with _env(MOTCUA_BACKUP_KEY=other), pytest.raises(CommandError) as command:
        call_command("restore", str(saved.encrypted), "--yes", "--database-url", url)
    assert command.value.returncode == backup.EXIT_CODES[backup.KEY_REFUSED]
    with _env(MOTCUA_BACKUP_KEY="c2hvcnQ="), pytest.raises(DomainError) as short:
        backup.Key.from_env()
    assert short.value.code == backup.KEY_REFUSED


def test_an_altered_or_truncated_encrypted_archive_is_refused(saved, target, tmp_path):
    url, var = target
    data = saved.encrypted.read_bytes()
    altered = tmp_path / "altered.enc"
    altered.write_bytes(
        data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0x80]) + data[len(data) // 2 + 1 :]
    )
    cut = tmp_path / "cut.enc"
    # Cut at a chunk boundary: every chunk present is intact, only the last one is missing.
    head, block = backup._HEAD.size + backup.TAG, backup.CHUNK + backup.TAG
    full = (len(data) - head - 1) // block
    assert full >= 1  # the scanned archive holds more than one chunk (the big signed file)
    cut.write_bytes(data[: head + full * block])
    with _env(MOTCUA_BACKUP_KEY=KEY):
        for broken in (altered, cut):
            with pytest.raises(DomainError) as refused:
                backup.restore_backup(path=broken, key=backup.Key.from_env(), database_url=url, write=True)
            assert refused.value.code == backup.ARCHIVE_INVALID, broken
    assert checksums(var / "media") == {}


def test_a_passphrase_file_encrypts_with_scrypt_and_the_check_alone_changes_nothing(saved, target, tmp_path):
    url, var = target
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("một câu mật khẩu dài\n")
    archive = tmp_path / "pass.tar.enc"
    with override_settings(MEDIA_ROOT=saved.media):
        backup.create_backup(out=archive, key=backup.Key.from_env(str(passphrase)), tool_timeout=120)
    report = backup.restore_backup(path=archive, key=backup.Key.from_env(str(passphrase)), database_url=url)
    assert not report.restored and report.files == len(saved.files)
    assert backup.holding_data(backup.database_state(backup.database(url))) == {}
    assert checksums(var / "media") == {}
    passphrase.write_text("sai mật khẩu")
    with pytest.raises(DomainError) as wrong:
        backup.restore_backup(path=archive, key=backup.Key.from_env(str(passphrase)), database_url=url)
    assert wrong.value.code == backup.KEY_REFUSED


def test_the_backup_command_writes_progress_on_stderr_and_the_path_on_stdout(saved, tmp_path, capsys):
    out = tmp_path / "command.tar"
    with override_settings(MEDIA_ROOT=saved.media):
        call_command("backup", "--out", str(out), "--timeout", "120")
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out) and "Sao lưu cơ sở dữ liệu" in captured.err
    assert not out.with_name(out.name + ".partial").exists()
    with pytest.raises(CommandError) as refused, _env(MOTCUA_BACKUP_KEY=""):
        call_command("backup", "--out", str(tmp_path / "x.tar"), "--encrypt")
    assert refused.value.returncode == backup.EXIT_CODES[backup.KEY_REFUSED]
