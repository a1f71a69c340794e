"""The production settings pass Django's deployment checks without a single warning."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "MOTCUA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "motcua.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "MOTCUA_VAR_DIR": str(tmp_path / "var"),
        "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(32),
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "ERROR" not in result.stderr
