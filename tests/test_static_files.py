"""The demo runs as production would (issue 17, item 11): DEBUG off, static files collected with hashed names
and gzip copies, served by WhiteNoise with a far-future "immutable" cache lifetime; development keeps
Django's debugging."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# What a browser asks the demo for, read in the demo's own settings (MOTCUA_ENV=demo, its own var dir).
PROBE = r"""
import json
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

client = Client()
css = static("motcua/css/site.css")
gzipped = client.get(css, HTTP_ACCEPT_ENCODING="gzip, deflate")
plain = client.get(css)
missing = client.get("/dich-vu-cong/thu-tuc/khong-co/")
print(json.dumps({
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "css": css,
    "gzip_status": gzipped.status_code,
    "gzip_encoding": gzipped.get("Content-Encoding"),
    "gzip_cache": gzipped.get("Cache-Control"),
    "plain_status": plain.status_code,
    "plain_body": b"".join(plain.streaming_content).decode("utf-8")[:2000],
    "missing_status": missing.status_code,
    "missing_body": missing.content.decode("utf-8"),
}))
"""


def _run(tmp_path, mode: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "MOTCUA_ENV": mode,
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_the_demo_serves_hashed_compressed_static_files_for_ten_years_and_its_own_404_page(tmp_path):
    _run(tmp_path, "demo", "collectstatic", "--noinput", "--verbosity", "0")
    _run(tmp_path, "demo", "migrate", "--verbosity", "0")
    answer = json.loads(_run(tmp_path, "demo", "shell", "-c", PROBE).stdout.strip().splitlines()[-1])
    assert answer["debug"] is False
    assert {"127.0.0.1", "localhost"} <= set(answer["allowed_hosts"])
    # site.<content hash>.css: a changed file gets a new address, so the old one may be kept for ever.
    assert answer["css"].startswith("/static/motcua/css/site.") and answer["css"].endswith(".css")
    assert answer["css"] != "/static/motcua/css/site.css"
    assert answer["gzip_status"] == 200 and answer["gzip_encoding"] == "gzip"
    assert "immutable" in answer["gzip_cache"] and "max-age=315360000" in answer["gzip_cache"]
    assert answer["plain_status"] == 200 and "--brand" in answer["plain_body"]
    assert answer["missing_status"] == 404
    assert "Không tìm thấy trang" in answer["missing_body"] and "Traceback" not in answer["missing_body"]
    assert answer["css"] in answer["missing_body"]  # the error page links the hashed stylesheet too


def test_development_keeps_django_debugging(tmp_path):
    code = (
        "from django.conf import settings; print(settings.DEBUG, settings.STORAGES['staticfiles']['BACKEND'])"
    )
    out = _run(tmp_path, "development", "shell", "-c", code).stdout.strip().splitlines()[-1]
    assert out == "True django.contrib.staticfiles.storage.StaticFilesStorage"
