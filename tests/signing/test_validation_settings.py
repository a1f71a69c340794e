"""MOTCUA_SIGNING: production refuses to run with signing on and no usable trust roots; elsewhere a missing
trust root file only means nothing it would vouch for is trusted."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from motcua.signing.validation import validate_pdf


def run_check(tmp_path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_SIGNING")}
    env.update(
        {
            "MOTCUA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "motcua.example.vn",
            "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            **variables,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "motcua", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_with_signing_on_needs_trust_roots(tmp_path):
    result = run_check(tmp_path, MOTCUA_SIGNING_ENABLED="true")

    assert result.returncode != 0
    assert "MOTCUA_SIGNING_TRUST_ROOTS must name the trust roots' PEM files" in result.stderr


def test_production_refuses_a_trust_root_file_that_is_not_there(tmp_path):
    result = run_check(
        tmp_path, MOTCUA_SIGNING_ENABLED="true", MOTCUA_SIGNING_TRUST_ROOTS="/nonexistent/root.pem"
    )

    assert result.returncode != 0
    assert "MOTCUA_SIGNING_TRUST_ROOTS: no such file '/nonexistent/root.pem'" in result.stderr


@pytest.mark.usefixtures("pki")
def test_a_missing_trust_root_file_trusts_nothing(pki, settings, tmp_path):
    from motcua.signing.pades import sign_pdf

    from .pades_pdfs import LEADER_BOX, pkcs12_source, simple_pdf

    leader = pki.pki.issue("signer", "Đặng Thu Trang")
    signed = sign_pdf(
        simple_pdf(), source=pkcs12_source(leader), field_name="A", box=LEADER_BOX, appearance="x"
    )
    settings.MOTCUA_SIGNING = {**settings.MOTCUA_SIGNING, "trust_roots": [str(tmp_path / "gone.pem")]}

    report = validate_pdf(signed)

    assert not report.ok
    (check,) = report.signatures
    assert check.intact and not check.trusted
