"""MOTCUA_REGISTRIES: production asks for client credentials with a URL; bad values are refused by name."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.registries import conf


def test_production_with_a_registry_url_needs_the_client_credentials(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_REGISTRIES")}
    env.update(
        {
            "MOTCUA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "motcua.example.vn",
            "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            "MOTCUA_REGISTRIES_URL": "https://registries.example.vn",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "MOTCUA_REGISTRIES_CLIENT_ID and MOTCUA_REGISTRIES_CLIENT_SECRET must be set" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ATTEMPTS": 0}, "ATTEMPTS >= 1"),
        ({"TIMEOUT_SECONDS": 0}, "TIMEOUT_SECONDS"),
        ({"BREAKER_FAILURES": 0}, "BREAKER_FAILURES >= 1"),
        ({"CACHE_SECONDS": -1}, "CACHE_SECONDS >= 0"),
        ({"RETRIES": 3}, "unknown keys RETRIES"),
    ],
)
def test_bad_registry_settings_are_refused_by_name(settings, change, message):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, **change}
    with pytest.raises(ImproperlyConfigured, match=message):
        conf.for_kind("population")


def test_one_registry_may_live_elsewhere(settings):
    settings.MOTCUA_REGISTRIES = {
        **settings.MOTCUA_REGISTRIES,
        "URL": "http://127.0.0.1:8103",
        "KINDS": {"land": {"URL": "https://land.example.vn/"}},
    }
    assert conf.for_kind("land").url == "https://land.example.vn"
    assert conf.for_kind("population").url == "http://127.0.0.1:8103"
