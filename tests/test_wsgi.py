"""The WSGI entry point gunicorn loads: the application answers, and what was loaded at start-up is frozen
out of the garbage collector's full collections (motcua.wsgi)."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import gc, io, sys
from motcua.wsgi import application
frozen = gc.get_freeze_count()
status = []
body = application(
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
     "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr},
    lambda s, headers, exc_info=None: status.append(s),
)
print(frozen, status[0], b"".join(body).decode())
"""


def test_wsgi_application_answers_with_start_up_objects_frozen(tmp_path):
    env = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    frozen, status, body = out.stdout.split(" ", 2)
    # Django, the project's apps and every view module (the URLconf is resolved before the freeze).
    assert int(frozen) > 50_000
    assert status == "200" and '"ok"' in body
