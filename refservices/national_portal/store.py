"""The reference portal's state in one SQLite file (WAL), shared by every gunicorn worker.

Writes run in ``BEGIN IMMEDIATE`` transactions: the write lock is taken before anything is read, so
two workers handling the same idempotency key at once run one after the other and the second one sees
the first one's effect. Fault switches live here too, so that every worker obeys the same switches.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    token TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS fault (name TEXT PRIMARY KEY, value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS receipt (
    id INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL, key TEXT NOT NULL, ma_ho_so TEXT NOT NULL,
    status TEXT NOT NULL, seq INTEGER, worker TEXT NOT NULL, duplicate INTEGER NOT NULL,
    error_code TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS effect (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, service TEXT NOT NULL,
    ma_ho_so TEXT NOT NULL, record TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dossier (
    ma_ho_so TEXT PRIMARY KEY, ma_ho_so_quoc_gia TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
    seq INTEGER NOT NULL, progress_seq INTEGER, record TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ma_ho_so TEXT NOT NULL, status TEXT NOT NULL, seq INTEGER NOT NULL,
    event_at TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS status_history_dossier ON status_history (ma_ho_so, id);
CREATE TABLE IF NOT EXISTS progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ma_ho_so TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,
    record TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS progress_dossier ON progress (ma_ho_so, id);
CREATE TABLE IF NOT EXISTS rating (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ma_ho_so TEXT NOT NULL, key TEXT NOT NULL,
    record TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submission (
    id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT UNIQUE, province TEXT NOT NULL, record TEXT NOT NULL,
    submitted_at TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT '', acknowledged_at TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '', ma_ho_so TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS submission_pending ON submission (province, outcome, id);
CREATE TABLE IF NOT EXISTS attachment (
    id TEXT PRIMARY KEY, submission_code TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
    component TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    declared_size INTEGER NOT NULL, declared_sha256 TEXT NOT NULL, data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS attachment_submission ON attachment (submission_code, position);
"""

# Everything a test may reset (sessions stay: a client's cached session survives a reset).
_STATE_TABLES = (
    "fault",
    "receipt",
    "effect",
    "dossier",
    "status_history",
    "progress",
    "rating",
    "submission",
)

FAULT_NAMES = (
    "fail_status",
    "fail_count",
    "delay_seconds",
    "after_commit_delay_seconds",
    "drop_after_commit_count",
)


class Store:
    """A connection per operation: each gunicorn worker (a process) opens its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        db = self._open()
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        finally:
            db.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        db = self._open()
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding SQLite's write lock from its first statement."""
        db = self._open()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    # Sessions ---------------------------------------------------------------------------------

    def save_session(self, token: str, username: str, ttl: float) -> None:
        with self.write() as db:
            db.execute("DELETE FROM session WHERE expires_at < ?", (time.time(),))
            db.execute("INSERT INTO session VALUES (?, ?, ?)", (token, username, time.time() + ttl))

    def session_valid(self, token: str) -> bool:
        with self.read() as db:
            row = db.execute("SELECT expires_at FROM session WHERE token = ?", (token,)).fetchone()
        return row is not None and row["expires_at"] > time.time()

    # Fault switches ---------------------------------------------------------------------------

    def set_faults(self, switches: dict[str, float]) -> None:
        with self.write() as db:
            db.execute("DELETE FROM fault")
            db.executemany("INSERT INTO fault VALUES (?, ?)", list(switches.items()))

    def faults(self) -> dict[str, float]:
        with self.read() as db:
            return {row["name"]: row["value"] for row in db.execute("SELECT name, value FROM fault")}

    def take_failure(self) -> int | None:
        """The HTTP status to fail this request with, spending one of ``fail_count`` (-1: no limit)."""
        if not self.faults().get("fail_status"):
            return None  # the usual case, without taking the write lock
        with self.write() as db:
            switches = {r["name"]: r["value"] for r in db.execute("SELECT name, value FROM fault")}
            status = int(switches.get("fail_status") or 0)
            count = int(switches.get("fail_count", -1 if status else 0))
            if not status or count == 0:
                return None
            if count > 0:
                db.execute("UPDATE fault SET value = ? WHERE name = 'fail_count'", (count - 1,))
            return status

    def take_drop(self) -> bool:
        """Whether to drop this committed request's connection, spending one ``drop_after_commit_count``."""
        if not self.faults().get("drop_after_commit_count"):
            return False
        with self.write() as db:
            row = db.execute("SELECT value FROM fault WHERE name = 'drop_after_commit_count'").fetchone()
            count = int(row["value"]) if row else 0
            if count == 0:
                return False
            if count > 0:
                db.execute("UPDATE fault SET value = ? WHERE name = 'drop_after_commit_count'", (count - 1,))
            return True

    # Test controls ----------------------------------------------------------------------------

    def reset(self) -> None:
        with self.write() as db:
            for table in (*_STATE_TABLES, "attachment"):
                db.execute(f"DELETE FROM {table}")

    def receipts(self) -> list[dict[str, Any]]:
        with self.read() as db:
            rows = db.execute("SELECT * FROM receipt ORDER BY id").fetchall()
        return [
            {
                "service": r["service"],
                "key": r["key"],
                "MaHoSo": r["ma_ho_so"],
                "status": r["status"],
                "seq": r["seq"],
                "worker": r["worker"],
                "duplicate": bool(r["duplicate"]),
                "error_code": r["error_code"],
                "message": r["message"],
                "at": r["at"],
            }
            for r in rows
        ]

    def effects(self) -> list[dict[str, Any]]:
        with self.read() as db:
            rows = db.execute("SELECT * FROM effect ORDER BY id").fetchall()
        return [
            {
                "key": r["key"],
                "service": r["service"],
                "MaHoSo": r["ma_ho_so"],
                "record": json.loads(r["record"]),
                "at": r["at"],
            }
            for r in rows
        ]
