"""The delivery settings refuse nonsense at start-up with a message naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MOTCUA_OUTBOX_ROUTES", "{not json", "MOTCUA_OUTBOX_ROUTES is not valid JSON"),
        ("MOTCUA_OUTBOX_ROUTES", '{"dossier.status": "national_portal"}', "MOTCUA_OUTBOX_ROUTES must be"),
        ("MOTCUA_OUTBOX_MAX_ATTEMPTS", "0", "MOTCUA_OUTBOX_MAX_ATTEMPTS must be at least 1"),
        ("MOTCUA_OUTBOX_POLL_SECONDS", "0", "MOTCUA_OUTBOX_POLL_SECONDS must be at least"),
        ("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS", "1", "must not be less than MOTCUA_OUTBOX_BACKOFF_SECONDS"),
    ],
)
def test_a_nonsense_delivery_setting_stops_the_start(tmp_path, variable, value, message):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            variable: value,
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert message in result.stderr
