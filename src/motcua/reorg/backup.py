"""Backup and restore of an installation (sao lưu và phục hồi dữ liệu): the database and every stored file.

On the day of a reorganization the data of the old system is backed up and ready before anything changes
(issue 18); the same archive is the nightly backup. ``backup`` writes one tar archive:

- ``database/motcua.sqlite3`` (SQLite, copied with the online backup API: consistent while the app runs) or
  ``database/motcua.pgdump`` (PostgreSQL, ``pg_dump --format=custom`` inside an exported snapshot, so that the
  row counts of the manifest are those of the dump);
- ``files/<storage>/<name>``: every file of the configured storages (``default``: dossiers' documents and
  results, signed files; ``datastore``: the citizen's data store);
- ``manifest.json`` (format, time, app version, engine, last migration per app, row counts per table, SHA-256
  and size of every member) and ``manifest.json.sha256``, last, so that the archive is written in one pass.

Optionally encrypted as a whole (AES-256-GCM in chunks, :class:`EncryptingWriter`). ``restore`` checks every
checksum into a staging folder before it touches the database: a corrupted, truncated or altered archive is
refused and nothing changes. docs/backup.md describes the layout, the encryption and the exit codes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import environ
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua import __version__
from motcua.core.errors import DomainError, register

FORMAT = "motcua-backup/1"
MANIFEST = "manifest.json"
MANIFEST_SHA = "manifest.json.sha256"
SQLITE_MEMBER = "database/motcua.sqlite3"
PGDUMP_MEMBER = "database/motcua.pgdump"
FILES = "files"
STORAGE_NAMES = ("default", "datastore")
KEY_ENV = "MOTCUA_BACKUP_KEY"
PASSPHRASE_FILE_ENV = "MOTCUA_BACKUP_PASSPHRASE_FILE"
# Rows `migrate` itself writes (calendar 0002, core 0001): a freshly migrated database is still empty.
SEEDED_BY_MIGRATE = ("workcalendar.OfficeHours", "workcalendar.OfficeInterval", "core.SnapshotVersion")
READ = 1 << 20

# --- error codes, each with the exit code of the commands (docs/backup.md, "Exit codes") ----------------
ARCHIVE_INVALID = "backup.archive_invalid"  # not a backup, truncated, or a member's checksum differs
KEY_REFUSED = "backup.key_refused"  # no key, a wrong key or passphrase, or an encrypted archive altered
TARGET_NOT_EMPTY = "backup.target_not_empty"  # the target database (or a stored file) holds other data
TOOL_FAILED = "backup.tool_failed"  # pg_dump / pg_restore missing or failed, database unreachable
VERIFY_FAILED = "backup.verify_failed"  # after restoring, row counts or migration state differ
INCOMPATIBLE = "backup.incompatible"  # other engine, or migrations this code does not know
EXIT_CODES = {
    ARCHIVE_INVALID: 3,
    KEY_REFUSED: 4,
    TARGET_NOT_EMPTY: 5,
    TOOL_FAILED: 6,
    VERIFY_FAILED: 7,
    INCOMPATIBLE: 8,
}
register(dict.fromkeys(EXIT_CODES, 400))

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


# --- databases --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into: the configured one, or one named by ``--database-url``."""

    engine: str  # "sqlite" | "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    sslmode: str = ""
    alias: str | None = None  # the Django connection when it is the configured database

    @property
    def in_memory(self) -> bool:
        return self.engine == "sqlite" and (self.name == ":memory:" or "mode=memory" in self.name)

    def tool_args(self) -> list[str]:
        args = ["--dbname", self.name]
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, str(value)]
        return args

    def tool_env(self) -> dict[str, str]:
        """The tools' environment: the password never on the command line (``ps`` shows argv)."""
        env = {**os.environ}
        if self.password:
            env["PGPASSWORD"] = self.password
        if self.sslmode:
            env["PGSSLMODE"] = self.sslmode
        return env

    def connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(
                dbname=self.name,
                user=self.user or None,
                password=self.password or None,
                host=self.host or None,
                port=self.port or None,
                sslmode=self.sslmode or None,
                autocommit=True,
            )
        except psycopg.Error as error:
            raise DomainError(
                TOOL_FAILED,
                _("Không kết nối được cơ sở dữ liệu %(name)s: %(error)s"),
                name=self.name,
                error=str(error).strip(),
            ) from error


def database(url: str | None = None) -> Database:
    """The configured database (``settings.DATABASES["default"]``, the test database under pytest), or the one
    ``url`` names (``sqlite:///path`` or ``postgres://user@host:port/name``)."""
    if url:
        config, alias = environ.Env.db_url_config(url), None
    else:
        config, alias = connections["default"].settings_dict, "default"
    engine = str(config["ENGINE"])
    kind = "sqlite" if engine.endswith("sqlite3") else "postgresql" if "postgresql" in engine else ""
    if not kind:
        raise DomainError(
            INCOMPATIBLE, _("Chỉ sao lưu được SQLite và PostgreSQL, không phải %(engine)s."), engine=engine
        )
    options = config.get("OPTIONS") or {}
    return Database(
        engine=kind,
        name=str(config["NAME"]),
        user=str(config.get("USER") or ""),
        password=str(config.get("PASSWORD") or ""),
        host=str(config.get("HOST") or ""),
        port=str(config.get("PORT") or ""),
        sslmode=str(options.get("sslmode") or ""),
        alias=alias,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [row[0] for row in rows]


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _counts(execute: Callable[[str], Any], tables: list[str]) -> dict[str, int]:
    return {table: int(execute(f"SELECT COUNT(*) FROM {_quote(table)}")[0]) for table in tables}


def _migrations(rows: list[tuple[str, str]]) -> dict[str, str]:
    """The last migration applied per app (migration names start with their number)."""
    last: dict[str, str] = {}
    for app, name in rows:
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


@dataclass
class State:
    """What a database holds: rows per table and the last migration per app."""

    tables: dict[str, int]
    migrations: dict[str, str]


def _sqlite_state(conn: sqlite3.Connection) -> State:
    tables = _sqlite_tables(conn)
    counts = _counts(lambda sql: conn.execute(sql).fetchone(), tables)
    applied = (
        conn.execute("SELECT app, name FROM django_migrations").fetchall()
        if "django_migrations" in counts
        else []
    )
    return State(counts, _migrations(applied))


def _sqlite_file_state(path: Path) -> State:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _sqlite_state(conn)
    finally:
        conn.close()


def _pg_state(cursor: Any) -> State:
    tables = _pg_tables(cursor)

    def one(sql: str) -> Any:
        cursor.execute(sql)
        return cursor.fetchone()

    counts = _counts(one, tables)
    applied: list[tuple[str, str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = cursor.fetchall()
    return State(counts, _migrations(applied))


def database_state(db: Database) -> State:
    """Rows per table and migration state of a database (an absent SQLite file holds nothing)."""
    if db.engine == "sqlite":
        if db.alias is not None:  # the configured database (the test database may live in memory)
            connections[db.alias].ensure_connection()
            return _sqlite_state(connections[db.alias].connection)
        path = Path(db.name)
        return _sqlite_file_state(path) if path.exists() and path.stat().st_size else State({}, {})
    with db.connect() as conn, conn.cursor() as cursor:
        return _pg_state(cursor)


def _data_tables() -> set[str]:
    """The tables of motcua's apps that hold data (the rows `migrate` writes aside)."""
    seeded = {apps.get_model(label)._meta.db_table for label in SEEDED_BY_MIGRATE}
    tables = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("motcua."):
            continue
        for model in config.get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.managed:
                tables.add(model._meta.db_table)
    return tables - seeded


def holding_data(state: State) -> dict[str, int]:
    """The tables of motcua's apps that hold rows in ``state`` (empty: the database may be restored into)."""
    data = _data_tables()
    return {table: rows for table, rows in state.tables.items() if rows and table in data}


# --- files ------------------------------------------------------------------------------------------------


def _storages() -> dict[str, Storage]:
    """The configured storages to back up, each location once (the data store shares the media root by
    default: its files are archived under ``default``)."""
    chosen: dict[str, Storage] = {}
    seen: set[str] = set()
    for name in STORAGE_NAMES:
        if name != "default" and name not in storages.backends:
            continue
        store = storages[name]
        where = (
            str(Path(store.location).resolve())
            if isinstance(store, FileSystemStorage)
            else f"{name}:{id(store)}"
        )
        if where not in seen:
            seen.add(where)
            chosen[name] = store
    return chosen


def _walk(store: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, names = store.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _walk(store, f"{folder}/{sub}" if folder else sub)


class _Hashing(io.RawIOBase):
    """Reads through to ``stream`` and hashes what was read (tar members are hashed as they are written)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha.update(data)
        self.size += len(data)
        return data


# --- encryption: AES-256-GCM in chunks (the STREAM construction) ------------------------------------------
#
# header: MAGIC | kdf (0 key, 1 scrypt) | salt (16) | log2 n, r, p (3) | nonce prefix (7) | chunk size (4) |
#         key check (16: the GCM tag of nothing under the key, nonce prefix + ff..ff)
# then the chunks: ciphertext + 16-byte tag, nonce = prefix | chunk number (4) | last? (1), the header as
# associated data. A changed byte fails its chunk's tag; a removed, repeated or reordered chunk fails its
# number; a truncated archive lacks the chunk marked last.

MAGIC = b"MOTCUAE1"
CHUNK = 1 << 20
TAG = 16
_HEAD = struct.Struct(">8sB16sBBB7sI")
SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P = 17, 8, 1


@dataclass(frozen=True)
class Key:
    """Where the key comes from: MOTCUA_BACKUP_KEY (base64 of 32 bytes) or a passphrase file (scrypt)."""

    raw: bytes | None = None
    passphrase: bytes | None = None

    @classmethod
    def from_env(cls, passphrase_file: str | None = None) -> Key | None:
        path = passphrase_file or os.environ.get(PASSPHRASE_FILE_ENV, "")
        if path:
            try:
                passphrase = Path(path).read_bytes().strip()
            except OSError as error:
                raise DomainError(
                    KEY_REFUSED,
                    _("Không đọc được tệp mật khẩu %(path)s: %(error)s"),
                    path=path,
                    error=error.strerror,
                ) from error
            if not passphrase:
                raise DomainError(KEY_REFUSED, _("Tệp mật khẩu %(path)s trống."), path=path)
            return cls(passphrase=passphrase)
        encoded = os.environ.get(KEY_ENV, "").strip()
        if not encoded:
            return None
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise DomainError(KEY_REFUSED, _("MOTCUA_BACKUP_KEY phải là 32 byte mã hóa base64."))
        return cls(raw=raw)

    def derive(self, salt: bytes, log2n: int, r: int, p: int) -> bytes:
        if self.raw is not None:
            return self.raw
        assert self.passphrase is not None
        return Scrypt(salt=salt, length=32, n=1 << log2n, r=r, p=p).derive(self.passphrase)


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what tar writes into ``out``, chunk by chunk."""

    def __init__(self, out: IO[bytes], key: Key) -> None:
        scrypt = key.raw is None
        salt = secrets.token_bytes(16) if scrypt else bytes(16)
        params = (SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P) if scrypt else (0, 0, 0)
        prefix = secrets.token_bytes(7)
        head = _HEAD.pack(MAGIC, 1 if scrypt else 0, salt, *params, prefix, CHUNK)
        self.aes = AESGCM(key.derive(salt, *params))
        self.header, self.prefix, self.out = head, prefix, out
        self.buffer = bytearray()
        self.number = 0
        out.write(head + self.aes.encrypt(prefix + b"\xff" * 5, b"", head))

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # more follows: not the last chunk
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        self.out.write(self.aes.encrypt(_nonce(self.prefix, self.number, last), plain, self.header))
        self.number += 1

    def finish(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


class DecryptingReader(io.RawIOBase):
    """Reads an archive written by :class:`EncryptingWriter`; refuses a wrong key and any altered chunk."""

    def __init__(self, source: IO[bytes], key: Key | None) -> None:
        head = source.read(_HEAD.size)
        check = source.read(TAG)
        if len(head) < _HEAD.size or len(check) < TAG:
            raise DomainError(ARCHIVE_INVALID, _("Tệp sao lưu mã hóa bị cắt cụt (thiếu phần đầu)."))
        _magic, kdf, salt, log2n, r, p, prefix, chunk = _HEAD.unpack(head)
        if key is None:
            raise DomainError(
                KEY_REFUSED,
                _(
                    "Tệp sao lưu được mã hóa: cần khóa (MOTCUA_BACKUP_KEY) "
                    "hoặc tệp mật khẩu (--passphrase-file)."
                ),
            )
        if kdf == 1 and key.passphrase is None:
            raise DomainError(KEY_REFUSED, _("Tệp sao lưu được mã hóa bằng mật khẩu: cần --passphrase-file."))
        if kdf == 0 and key.raw is None:
            raise DomainError(KEY_REFUSED, _("Tệp sao lưu được mã hóa bằng khóa: cần MOTCUA_BACKUP_KEY."))
        if kdf not in (0, 1) or chunk <= 0 or chunk > 64 * CHUNK or (kdf == 1 and not 10 <= log2n <= 24):
            raise DomainError(ARCHIVE_INVALID, _("Phần đầu của tệp sao lưu mã hóa không hợp lệ."))
        self.aes = AESGCM(key.derive(salt, log2n, r, p))
        try:
            self.aes.decrypt(prefix + b"\xff" * 5, check, head)
        except InvalidTag:
            raise DomainError(
                KEY_REFUSED, _("Sai khóa hoặc sai mật khẩu giải mã (hoặc phần đầu tệp sao lưu đã bị sửa).")
            ) from None
        self.source, self.header, self.prefix, self.chunk = source, head, prefix, chunk
        self.number = 0
        self.pending = source.read(chunk + TAG)
        self.plain = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        block, following = self.pending, self.source.read(self.chunk + TAG)
        last = not following
        try:
            self.plain = self.aes.decrypt(_nonce(self.prefix, self.number, last), block, self.header)
        except InvalidTag:
            reason = (
                _("tệp bị cắt cụt")
                if last and len(block) == self.chunk + TAG
                else _("nội dung đã bị thay đổi")
            )
            raise DomainError(
                ARCHIVE_INVALID,
                _("Tệp sao lưu mã hóa bị từ chối ở khối %(number)s: %(reason)s."),
                number=self.number,
                reason=reason,
            ) from None
        self.pending, self.number, self.done = following, self.number + 1, last

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            if not self.plain:
                if self.done:
                    break
                self._next()
                continue
            take = len(self.plain) if size < 0 else min(size - len(out), len(self.plain))
            out += self.plain[:take]
            self.plain = self.plain[take:]
        return bytes(out)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.source.close()
        super().close()


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(MAGIC)) == MAGIC


# --- backup -----------------------------------------------------------------------------------------------


@dataclass
class BackupReport:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    bytes: int
    encrypted: bool


def default_path(*, encrypted: bool, now: dt.datetime | None = None) -> Path:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"motcua-{stamp}.tar{'.enc' if encrypted else ''}"


def _run(command: list[str], *, db: Database, timeout: float | None, what: str) -> None:
    try:
        done = subprocess.run(command, env=db.tool_env(), capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as error:
        raise DomainError(TOOL_FAILED, _("Không tìm thấy chương trình %(tool)s."), tool=command[0]) from error
    except subprocess.TimeoutExpired as error:
        raise DomainError(
            TOOL_FAILED, _("%(tool)s chạy quá %(seconds)s giây."), tool=what, seconds=timeout
        ) from error
    if done.returncode != 0:
        raise DomainError(
            TOOL_FAILED,
            _("%(tool)s thất bại (mã %(status)s): %(error)s"),
            tool=what,
            status=done.returncode,
            error=done.stderr.decode("utf-8", "replace").strip()[-2000:],
        )


def _dump_sqlite(db: Database, into: Path) -> State:
    """Copy through SQLite's online backup API: a consistent copy while the app keeps writing."""
    if db.alias is not None:
        connection = connections[db.alias]
        connection.ensure_connection()
        source = connection.connection
    else:
        if not Path(db.name).exists():
            raise DomainError(TOOL_FAILED, _("Không có cơ sở dữ liệu %(name)s."), name=db.name)
        source = sqlite3.connect(db.name)
    target = sqlite3.connect(into)
    try:
        source.backup(target)
    finally:
        target.close()
        if db.alias is None:
            source.close()
    return _sqlite_file_state(into)


def _dump_postgres(db: Database, into: Path, *, timeout: float | None) -> tuple[State, str]:
    """pg_dump inside a snapshot this function holds open, whose rows it counts: the manifest and the dump
    describe the same moment while officers keep working."""
    with db.connect() as conn:
        conn.autocommit = False
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
            command = [
                "pg_dump",
                "--format=custom",
                "--snapshot",
                snapshot,
                "--file",
                str(into),
                *db.tool_args(),
            ]
            _run(command, db=db, timeout=timeout, what="pg_dump")
            state = _pg_state(cursor)
        conn.rollback()
    return state, str(version)


def _add(archive: tarfile.TarFile, name: str, stream: IO[bytes], size: int, members: dict[str, dict]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(timezone.now().timestamp()), 0o600
    hashing = _Hashing(stream)
    archive.addfile(info, hashing)
    members[name] = {"sha256": hashing.sha.hexdigest(), "size": size}


def create_backup(
    *,
    out: Path | None = None,
    key: Key | None = None,
    database_url: str | None = None,
    progress: Progress = _quiet,
    tool_timeout: float | None = None,
) -> BackupReport:
    """Write one archive of the database and the stored files (``key``: encrypted); returns what it holds.
    Written to ``<out>.partial`` and renamed at the end: an interrupted backup never looks complete."""
    db = database(database_url)
    path = out or default_path(encrypted=key is not None)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="motcua-backup-", dir=path.parent) as work:
        progress(_("Sao lưu cơ sở dữ liệu (%(engine)s)…") % {"engine": db.engine})
        server_version = ""
        if db.engine == "sqlite":
            dump, member = Path(work) / "motcua.sqlite3", SQLITE_MEMBER
            state = _dump_sqlite(db, dump)
            server_version = sqlite3.sqlite_version
        else:
            dump, member = Path(work) / "motcua.pgdump", PGDUMP_MEMBER
            state, server_version = _dump_postgres(db, dump, timeout=tool_timeout)
        progress(
            _("Cơ sở dữ liệu: %(tables)s bảng, %(rows)s dòng, %(mb).1f MB.")
            % {
                "tables": len(state.tables),
                "rows": sum(state.tables.values()),
                "mb": dump.stat().st_size / 1e6,
            }
        )
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            writer: Any = EncryptingWriter(raw, key) if key is not None else raw
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                with dump.open("rb") as stream:
                    _add(archive, member, stream, dump.stat().st_size, members)
                stored = _add_files(archive, members, progress)
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "app_version": __version__,
                    "engine": db.engine,
                    "server_version": server_version,
                    "database": member,
                    "migrations": state.migrations,
                    "tables": state.tables,
                    "storages": stored,
                    "members": members,
                    "encrypted": key is not None,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                _add(archive, MANIFEST, io.BytesIO(body), len(body), {})
                digest = hashlib.sha256(body).hexdigest().encode() + b"\n"
                _add(archive, MANIFEST_SHA, io.BytesIO(digest), len(digest), {})
            if isinstance(writer, EncryptingWriter):
                writer.finish()
            raw.flush()
            os.fsync(raw.fileno())
    os.replace(partial, path)
    files = sum(s["files"] for s in stored.values())
    size = sum(s["bytes"] for s in stored.values())
    progress(_("Đã ghi %(path)s.") % {"path": path})
    return BackupReport(
        path, db.engine, len(state.tables), sum(state.tables.values()), files, size, key is not None
    )


def _add_files(archive: tarfile.TarFile, members: dict[str, dict], progress: Progress) -> dict[str, dict]:
    stored: dict[str, dict] = {}
    for name, store in _storages().items():
        count = size = 0
        for ref in _walk(store):
            length = store.size(ref)
            with store.open(ref, "rb") as stream:
                _add(archive, f"{FILES}/{name}/{ref}", stream, length, members)
            count, size = count + 1, size + length
            if count % 500 == 0:
                progress(_("Tệp (%(storage)s): %(count)s…") % {"storage": name, "count": count})
        stored[name] = {
            "backend": f"{type(store).__module__}.{type(store).__name__}",
            "files": count,
            "bytes": size,
        }
        progress(
            _("Tệp (%(storage)s): %(count)s tệp, %(mb).1f MB.")
            % {"storage": name, "count": count, "mb": size / 1e6}
        )
    return stored


# --- restore ----------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    engine: str
    created_at: str
    tables: int
    rows: int
    files: int
    files_kept: int  # already in the storage with the same content
    restored: bool  # False: checked only (no --yes)
    migrations_behind: list[str] = field(default_factory=list)  # apps whose code has newer migrations


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _open_archive(path: Path, key: Key | None) -> IO[bytes]:
    try:
        stream: IO[bytes] = path.open("rb")
    except OSError as error:
        raise DomainError(
            ARCHIVE_INVALID, _("Không mở được %(path)s: %(error)s"), path=path, error=error.strerror
        ) from error
    if stream.read(len(MAGIC)) == MAGIC:
        stream.seek(0)
        try:
            return io.BufferedReader(DecryptingReader(stream, key), buffer_size=READ)  # type: ignore[arg-type]
        except Exception:
            stream.close()
            raise
    stream.seek(0)
    return stream


def _extract(path: Path, key: Key | None, into: Path, progress: Progress) -> tuple[dict, dict[str, dict]]:
    """Unpack every member into ``into`` hashing it; returns the manifest and what was found. Raises
    ARCHIVE_INVALID on anything that is not exactly what the manifest lists."""
    found: dict[str, dict] = {}
    manifest_bytes = manifest_sha = b""
    with _open_archive(path, key) as stream:
        try:
            with tarfile.open(fileobj=stream, mode="r|") as archive:
                for info in archive:
                    if not info.isfile() or not _safe_member(info.name) or info.name in found:
                        raise DomainError(
                            ARCHIVE_INVALID,
                            _("Tệp sao lưu chứa mục không hợp lệ: %(member)s."),
                            member=info.name,
                        )
                    source = archive.extractfile(info)
                    assert source is not None
                    if info.name in (MANIFEST, MANIFEST_SHA):
                        data = source.read()
                        if info.name == MANIFEST:
                            manifest_bytes = data
                        else:
                            manifest_sha = data
                        continue
                    target = into / info.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    sha = hashlib.sha256()
                    with target.open("wb") as out:
                        while chunk := source.read(READ):
                            sha.update(chunk)
                            out.write(chunk)
                    found[info.name] = {"sha256": sha.hexdigest(), "size": info.size}
                    if len(found) % 500 == 0:
                        progress(_("Đã kiểm %(count)s mục…") % {"count": len(found)})
        except (tarfile.TarError, EOFError, OSError) as error:
            raise DomainError(
                ARCHIVE_INVALID,
                _("Tệp sao lưu bị hỏng hoặc bị cắt cụt (%(error)s); không thay đổi gì."),
                error=str(error) or type(error).__name__,
            ) from error
    if not manifest_bytes or not manifest_sha:
        raise DomainError(
            ARCHIVE_INVALID, _("Tệp sao lưu thiếu manifest.json (bị cắt cụt?); không thay đổi gì.")
        )
    if hashlib.sha256(manifest_bytes).hexdigest() != manifest_sha.decode("ascii", "replace").strip():
        raise DomainError(ARCHIVE_INVALID, _("Mã kiểm tra của manifest.json không khớp; không thay đổi gì."))
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        raise DomainError(ARCHIVE_INVALID, _("manifest.json không đọc được.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DomainError(
            ARCHIVE_INVALID,
            _("Định dạng sao lưu %(format)s không được hỗ trợ."),
            format=manifest.get("format") if isinstance(manifest, dict) else "?",
        )
    shapes = {
        "engine": str,
        "created_at": str,
        "database": str,
        "migrations": dict,
        "tables": dict,
        "members": dict,
    }
    if any(not isinstance(manifest.get(key), shape) for key, shape in shapes.items()) or (
        manifest["database"] not in manifest["members"]
    ):
        raise DomainError(ARCHIVE_INVALID, _("manifest.json thiếu mục bắt buộc; không thay đổi gì."))
    return manifest, found


def _check_members(manifest: dict, found: dict[str, dict]) -> None:
    listed: dict[str, dict] = manifest.get("members") or {}
    wrong = sorted(name for name in listed if found.get(name) != listed[name])
    extra = sorted(set(found) - set(listed))
    if wrong or extra:
        names = ", ".join((wrong + extra)[:10])
        raise DomainError(
            ARCHIVE_INVALID,
            _(
                "Tệp sao lưu bị hỏng: mã kiểm tra SHA-256 không khớp ở %(count)s mục: %(members)s; "
                "không thay đổi gì."
            ),
            count=len(wrong) + len(extra),
            members=names,
        )


def _check_migrations(archived: dict[str, str]) -> list[str]:
    """Refuse migrations this code does not know (a backup of newer code); list apps the code has moved on."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [f"{app}.{name}" for app, name in archived.items() if (app, name) not in graph.nodes]
    if unknown:
        raise DomainError(
            INCOMPATIBLE,
            _("Tệp sao lưu có migration mà phiên bản này không biết: %(names)s; cần phiên bản mới hơn."),
            names=", ".join(sorted(unknown)),
        )
    leaves = dict(graph.leaf_nodes())
    return sorted(app for app, name in archived.items() if leaves.get(app, name) != name)


def _restore_files(staging: Path, manifest: dict, *, force: bool, write: bool) -> tuple[int, int]:
    """Each archived file into its storage (the one of that name, else ``default``); a file already there
    with the same content is kept; with other content it is refused unless ``force``."""
    written = kept = 0
    pending: list[tuple[Storage, str, Path]] = []
    for member in sorted(manifest["members"]):
        parts = member.split("/", 2)
        if parts[0] != FILES or len(parts) < 3:
            continue
        store = storages[parts[1]] if parts[1] in storages.backends else storages["default"]
        ref, local = parts[2], staging / member
        if store.exists(ref):
            with store.open(ref, "rb") as existing:
                same = (
                    hashlib.file_digest(existing, "sha256").hexdigest()
                    == manifest["members"][member]["sha256"]
                )
            if same:
                kept += 1
                continue
            if not force:
                raise DomainError(
                    TARGET_NOT_EMPTY,
                    _("Tệp %(ref)s đã có trong kho lưu trữ với nội dung khác; không thay đổi gì."),
                    ref=ref,
                )
        pending.append((store, ref, local))
    if not write:
        return len(pending), kept
    for store, ref, local in pending:
        if store.exists(ref):
            store.delete(ref)
        with local.open("rb") as stream:
            saved = store.save(ref, File(stream, name=PurePosixPath(ref).name))
        if saved != ref:
            raise DomainError(
                VERIFY_FAILED, _("Kho lưu trữ đã ghi %(ref)s dưới tên %(saved)s."), ref=ref, saved=saved
            )
        written += 1
    return written, kept


def _restore_sqlite(db: Database, dump: Path) -> None:
    if db.in_memory:
        raise DomainError(
            INCOMPATIBLE, _("Không phục hồi được vào cơ sở dữ liệu SQLite trong bộ nhớ: dùng --database-url.")
        )
    if db.alias is not None:  # the file is replaced: the open connection would go on reading the old one
        connections[db.alias].close()
    target = Path(db.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".restoring")
    shutil.copyfile(dump, temporary)
    with temporary.open("rb+") as stream:
        os.fsync(stream.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(temporary, target)


def _restore_postgres(db: Database, dump: Path, *, timeout: float | None) -> None:
    """One transaction: the objects of the dump dropped if present (a migrated empty database) and created
    again; a failure leaves the target as it was."""
    if db.alias is not None:
        connections[db.alias].close()
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        *db.tool_args(),
        str(dump),
    ]
    _run(command, db=db, timeout=timeout, what="pg_restore")


def restore_backup(
    *,
    path: Path,
    key: Key | None = None,
    database_url: str | None = None,
    write: bool = False,
    force: bool = False,
    progress: Progress = _quiet,
    work_dir: Path | None = None,
    tool_timeout: float | None = None,
) -> RestoreReport:
    """Verify the archive at ``path`` completely, then (``write``) restore it into an empty database and the
    storages and check the result against the manifest. ``force``: restore over a database holding data
    (its tables are replaced) and over stored files with other content. Without ``write`` nothing changes."""
    db = database(database_url)
    with tempfile.TemporaryDirectory(prefix="motcua-restore-", dir=work_dir) as work:
        staging = Path(work)
        progress(_("Kiểm tra %(path)s…") % {"path": path})
        manifest, found = _extract(path, key, staging, progress)
        _check_members(manifest, found)
        progress(_("Mã kiểm tra khớp: %(count)s mục.") % {"count": len(found)})
        if manifest["engine"] != db.engine:
            raise DomainError(
                INCOMPATIBLE,
                _("Bản sao lưu %(archived)s không phục hồi được vào cơ sở dữ liệu %(target)s."),
                archived=manifest["engine"],
                target=db.engine,
            )
        behind = _check_migrations(manifest["migrations"])
        holding = holding_data(database_state(db))
        if holding and not force:
            sample = ", ".join(f"{table} ({rows})" for table, rows in sorted(holding.items())[:5])
            raise DomainError(
                TARGET_NOT_EMPTY,
                _("Cơ sở dữ liệu đích %(name)s đang có dữ liệu (%(tables)s); không thay đổi gì."),
                name=db.name,
                tables=sample,
            )
        files, kept = _restore_files(staging, manifest, force=force, write=False)
        report = RestoreReport(
            engine=db.engine,
            created_at=manifest["created_at"],
            tables=len(manifest["tables"]),
            rows=sum(manifest["tables"].values()),
            files=files,
            files_kept=kept,
            restored=False,
            migrations_behind=behind,
        )
        if not write:
            return report
        dump = staging / manifest["database"]
        progress(_("Phục hồi cơ sở dữ liệu %(name)s…") % {"name": db.name})
        if db.engine == "sqlite":
            _restore_sqlite(db, dump)
        else:
            _restore_postgres(db, dump, timeout=tool_timeout)
        progress(_("Phục hồi tệp…"))
        report.files, report.files_kept = _restore_files(staging, manifest, force=force, write=True)
    _verify(db, manifest)
    progress(_("Số dòng và trạng thái migration khớp với manifest."))
    report.restored = True
    return report


def _verify(db: Database, manifest: dict) -> None:
    state = database_state(db)
    tables: dict[str, int] = manifest["tables"]
    differ = sorted(t for t in tables if state.tables.get(t) != tables[t])
    if differ:
        detail = ", ".join(f"{t}: {state.tables.get(t)} ≠ {tables[t]}" for t in differ[:10])
        raise DomainError(
            VERIFY_FAILED, _("Số dòng sau khi phục hồi khác manifest: %(detail)s."), detail=detail
        )
    if state.migrations != manifest["migrations"]:
        raise DomainError(VERIFY_FAILED, _("Trạng thái migration sau khi phục hồi khác manifest."))
