"""Browser tests: the portal and the reference identity provider as real servers, Chromium through Playwright.

The portal runs as its own process (``motcua demo`` to prepare its own database, then ``motcua serve``),
not through pytest-django's live_server: live_server forces a transactional test whose flush would wipe
the Huế world that tests/conftest.py loads once per session for every other test. The server's database
follows the suite's: a SQLite file in a temporary var dir, or, when the suite runs on PostgreSQL
(``DATABASE_URL``), a database ``<name>_browser`` on the same server, created fresh and dropped after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from refservices.idp.process import RunningIdp, free_port, running_idp, wait_until_up

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"
CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@dataclass(frozen=True)
class Portal:
    url: str
    idp: RunningIdp
    env: dict[str, str]
    # The reference processes of issue 16 the server talks to, as ``make demo`` runs them beside it.
    smtp: Any = None
    payments: Any = None
    postal: Any = None

    def command(self, *args: str) -> str:
        """Run a ``motcua`` command on the served database, as its operator would; its standard output."""
        done = subprocess.run(
            [sys.executable, "-m", "motcua.cli", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.stdout


@pytest.fixture(scope="session")
def browser_idp(tmp_path_factory) -> Iterator[RunningIdp]:
    with running_idp(state_dir=tmp_path_factory.mktemp("browser-idp")) as running:
        yield running


@contextmanager
def server_database(var_dir: Path) -> Iterator[str]:
    """The DATABASE_URL of the server's own database, of the same kind as the suite's."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        yield f"sqlite:///{var_dir / 'portal.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(suite_url)
    name = f"{parts.path.lstrip('/') or 'motcua'}_browser"
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def portal(browser_idp, registry_process, pki, tmp_path_factory) -> Iterator[Portal]:
    from refservices.payments.process import running_payments
    from refservices.postal.process import running_postal
    from refservices.smtp.process import running_smtp

    var_dir = tmp_path_factory.mktemp("browser-var")
    port = free_port()
    with (
        server_database(var_dir) as database_url,
        running_smtp() as smtp,
        running_payments(callback_url=f"http://127.0.0.1:{port}/thanh-toan/thong-bao/") as payments,
        running_postal() as postal,
    ):
        integrations = {
            # Notifications: e-mail to the local SMTP server (the confirmation codes are sent by the web
            # process itself, the dossier's news by a delivery worker); no SMS gateway.
            "MOTCUA_NOTIFICATIONS_EMAIL_HOST": "127.0.0.1",
            "MOTCUA_NOTIFICATIONS_EMAIL_PORT": str(smtp.smtp_port),
            "MOTCUA_NOTIFICATIONS_EMAIL_FROM": "Một cửa điện tử Huế <thongbao@motcua.test>",
            "MOTCUA_PAYMENTS_GATEWAY_URL": payments.url,
            "MOTCUA_PAYMENTS_API_KEY": payments.api_key,
            "MOTCUA_PAYMENTS_CALLBACK_SECRET": payments.callback_secret,
            "MOTCUA_POSTAL_URL": postal.url,
            "MOTCUA_POSTAL_API_KEY": postal.api_key,
            "MOTCUA_POSTAL_CALLBACK_SECRET": postal.callback_secret,
        }
        for served in _serve(
            browser_idp, registry_process, var_dir, database_url, pki.pki, port=port, extra_env=integrations
        ):
            yield Portal(
                url=served.url, idp=served.idp, env=served.env, smtp=smtp, payments=payments, postal=postal
            )


def _serve(
    browser_idp: RunningIdp,
    registry: Any,
    var_dir: Path,
    database_url: str,
    pki: Any,
    *,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Portal]:
    """The portal served by gunicorn on a free loopback port, on its own demo database, reading the
    session's reference registries (tests/conftest.py: registry_process); the demo's signing keys come from
    the session's test PKI (tests/conftest.py: pki), and a signing worker (db_worker on the "signing" queue,
    the only process given the PKCS#12 passphrase) makes the signatures."""
    port = port or free_port()
    env = {
        **os.environ,
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "MOTCUA_OIDC_ISSUER": browser_idp.issuer,
        "MOTCUA_OIDC_CLIENT_ID": browser_idp.client_id,
        "MOTCUA_OIDC_CLIENT_SECRET": browser_idp.client_secret,
        "AXES_ENABLED": "false",
        "MOTCUA_REGISTRIES_URL": registry.url,
        "MOTCUA_REGISTRIES_CLIENT_ID": registry.client_id,
        "MOTCUA_REGISTRIES_CLIENT_SECRET": registry.client_secret,
        "MOTCUA_SIGNING_PKI_DIR": str(pki.directory),
        "MOTCUA_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop(ASYNC_UNSAFE, None)
    motcua = [sys.executable, "-m", "motcua.cli"]
    log = (var_dir / "portal.log").open("w")
    subprocess.run(
        # Signing keys only for the communes the stories sign in (each key takes the test PKI a second).
        [*motcua, "demo", "--only-province", "--signing-keys-for", "phuvang.,phuxuan."],
        env=env,
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=300,
    )
    server = subprocess.Popen(
        [*motcua, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    signing_worker = subprocess.Popen(
        [*motcua, "db_worker", "--queue-name", "signing", "--interval", "0.5"],
        env={**env, "MOTCUA_SIGNING_DEMO_PASSPHRASE": pki.passphrase},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A cold start on a loaded machine: the first page may take half a minute.
        wait_until_up(f"{url}/dich-vu-cong/", timeout=180, process=server, expect_json=False)
        yield Portal(url=url, idp=browser_idp, env=env)
    finally:
        signing_worker.terminate()
        try:
            signing_worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            signing_worker.kill()
            signing_worker.wait()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django then refuses synchronous
    # database access here (known issue): allow it while the browser runs, and only then, so that
    # the variable reaches neither the servers' processes nor the tests after these.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, chromium):
    """A fresh browser page (no cookies) at the phone or the desktop size."""
    context = chromium.new_context(locale="vi-VN", **VIEWPORTS[request.param])
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    new_page.viewport_name = request.param
    yield new_page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot as test-output/screenshots/<name>-<phone|desktop>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}-{page.viewport_name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed: run `npm ci` at the repository root (package.json)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def assert_accessible(axe_source):
    """Run axe-core on the page as it is and fail on any violation of impact serious or critical."""

    def check(page) -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)  # not a <script> tag: the Content-Security-Policy forbids inline ones
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core on {page.url}:\n{_describe(blocking)}"

    return check


def pytest_collection_modifyitems(config, items):
    """The stories in English run at the phone's 390 px only, where longer English words break a layout first
    (the Vietnamese runs take both widths): each story is a minute of the suite (test_every_page._widths
    makes the same choice for single pages)."""
    keep, drop = [], []
    for item in items:
        params = item.callspec.params if hasattr(item, "callspec") else {}
        english_desktop = params.get("language") == "en" and params.get("page") == "desktop"
        (drop if english_desktop else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
