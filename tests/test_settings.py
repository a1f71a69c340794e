"""Production refuses to start without the secrets it needs; the demo generates and keeps its own key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest


def _check(
    tmp_path, command: str = "check", args: tuple[str, ...] = (), **overrides: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MOTCUA_VAR_DIR": str(tmp_path / "var")}
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-m", "motcua", command, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set"),
        ("MOTCUA_OIDC_CLIENT_SECRET", "MOTCUA_OIDC_CLIENT_SECRET must be set"),
    ],
)
def test_production_names_the_missing_setting(tmp_path, missing, message):
    full = {
        "MOTCUA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "motcua.example.vn",
        "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
    }
    full[missing] = ""
    result = _check(tmp_path, **full)
    assert result.returncode != 0
    assert message in result.stderr


def test_demo_generates_one_secret_key_and_keeps_it(tmp_path):
    first = _check(tmp_path, MOTCUA_ENV="demo")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _check(tmp_path, MOTCUA_ENV="demo").returncode == 0
    assert key_file.read_text() == key


def test_an_unknown_mode_is_refused(tmp_path):
    result = _check(tmp_path, MOTCUA_ENV="staging")
    assert result.returncode != 0
    assert "MOTCUA_ENV must be production, demo, development or test" in result.stderr


def test_production_enrols_officers_by_one_time_link_only(tmp_path):
    """Off by default in production: a password alone never registers an authenticator app."""
    production = {
        "MOTCUA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "motcua.example.vn",
        "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
    }
    code = "from django.conf import settings; print(settings.MOTCUA_ENROL_WITH_PASSWORD)"
    result = _check(tmp_path, **production, command="shell", args=("-c", code))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
