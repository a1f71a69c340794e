"""Settings, all from environment variables.

MOTCUA_ENV selects the mode:
- ``production``: SECRET_KEY and ALLOWED_HOSTS are required, HTTPS hardening is on;
- ``demo``: what ``make demo`` runs: DEBUG off (Vietnamese 404/500 pages, compressed static files with
  hashed names), a secret key generated and kept under var/;
- ``development`` (default): like demo but DEBUG on (Django's technical error pages) and static files
  served as they are from the apps;
- ``test``: like development but DEBUG off.
``DEBUG=true`` or ``DEBUG=false`` overrides the mode's choice.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
MOTCUA_ENV = env.str("MOTCUA_ENV", default="development")
if MOTCUA_ENV not in {"production", "demo", "development", "test"}:
    raise ImproperlyConfigured(
        f"MOTCUA_ENV must be production, demo, development or test, not {MOTCUA_ENV!r}"
    )
PRODUCTION = MOTCUA_ENV == "production"

VAR_DIR = Path(env.str("MOTCUA_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when MOTCUA_ENV=production")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=MOTCUA_ENV == "development")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when MOTCUA_ENV=production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin site asks for a verified second factor (motcua.accounts.admin_site).
    "motcua.accounts.admin_apps.MotcuaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.accounts",
    "motcua.geo",
    "motcua.org",
    "motcua.calendar",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.datastore",
    "motcua.outbox",
    "motcua.registries",
    "motcua.signing",
    "motcua.notifications",
    "motcua.payments",
    "motcua.portal",
    "motcua.workspace",
    "motcua.operations",
    "motcua.postal",
    "motcua.reorg",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # request.user and its second factor from the session row, in place of Django's AuthenticationMiddleware
    # and django-otp's OTPMiddleware (same checks, one query with the session: motcua.accounts.session_auth).
    "motcua.accounts.session_auth.SessionUserMiddleware",
    "motcua.accounts.sessions.IdleStaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Before any view reads the body (request.POST is first read in the views' phase): 413/411.
    "motcua.core.uploads.UploadLimitMiddleware",
    # A NUL in the address is a 400 before any view queries the database with it (motcua.core.nul_guard).
    "motcua.core.nul_guard.RefuseNulMiddleware",
]

# Sessions in the database, read with their account in one query (motcua.accounts.session_store).
SESSION_ENGINE = "motcua.accounts.session_store"

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        # Django's backend; {% load i18n %} remembers translated literals (motcua.core.templates).
        "BACKEND": "motcua.core.templates.DjangoTemplates",
        "NAME": "django",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Jinja2: the layouts, and the hottest page bodies (officer's dossier page, inbox): motcua.core.jinja.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [PACKAGE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "motcua.core.jinja.environment"},
    },
]

# Database: an embedded SQLite file under var/ by default, PostgreSQL (psycopg 3) in production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server and the worker read while one of them writes;
            # IMMEDIATE makes a writing transaction take the lock up front instead of failing mid-way.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("MOTCUA_TEST_SQLITE", default="") or None
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that skips its SELECT 1 while the socket is quiet
        # (motcua.core.db.postgresql.base); compare ``connection.vendor``, not this string.
        DATABASES["default"]["ENGINE"] = "motcua.core.db.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("MOTCUA_GENERIC_PLANS", default=True):
        # The hot reads' prepared statements (motcua.core.prepared) keep their one plan: left to itself
        # (plan_cache_mode=auto) PostgreSQL planned the inbox's statement afresh at every EXECUTE (~1.4 ms of
        # its CPU, more than running it). Only named prepared statements follow this setting; Django's own
        # queries are planned each time as before. Sent at connection start (libpq ``options``), so a
        # rolled-back transaction or RESET ALL keeps it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
# The pages' hot reads run as server-side prepared statements on PostgreSQL (motcua.core.prepared); switch off
# behind a pooler that shares server sessions between clients (PgBouncer in transaction mode).
MOTCUA_PREPARED_STATEMENTS = env.bool("MOTCUA_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MOTCUA_ENV == "test":
    # Hashing cost is not what the tests measure.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "workspace:login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
# Lock the pair (username, client address): failures from one address never lock an officer out elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# django-otp's own admin pages never show device secrets (motcua.accounts.admin replaces them anyway).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A one-time enrolment link (set a password, register the authenticator app) is valid this many hours.
MOTCUA_ENROLMENT_LINK_HOURS = env.int("MOTCUA_ENROLMENT_LINK_HOURS", default=72)
# May an officer without an authenticator enrol one after the password alone? Off in production: whoever
# learnt the password could register their own phone; the one-time enrolment link is the way in.
MOTCUA_ENROL_WITH_PASSWORD = env.bool("MOTCUA_ENROL_WITH_PASSWORD", default=not PRODUCTION)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project's own CSS (base.html); apps keep theirs in <app>/static.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Demo and production serve what collectstatic wrote (motcua serve runs it): names carrying a content
    # hash, gzip and Brotli copies beside them, which WhiteNoise sends with a ten-year "immutable" cache
    # lifetime. Development and tests read the apps' files as they are (no collectstatic needed).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if MOTCUA_ENV in {"production", "demo"}
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # The citizen's data store (motcua.datastore): the media root by default; any storage backend, e.g.
    # django-storages' S3 storage for an S3-compatible object store (docs/datastore.md).
    "datastore": {
        "BACKEND": env.str("MOTCUA_DATASTORE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("MOTCUA_DATASTORE_STORAGE_OPTIONS", default={}),
    },
}

# Largest file a citizen or officer may upload (documents, scans, results), in megabytes.
MOTCUA_MAX_UPLOAD_MB = env.int("MOTCUA_MAX_UPLOAD_MB", default=20)
# Largest request body (all files of one form together), refused by its length before it is read.
MOTCUA_MAX_REQUEST_MB = env.int("MOTCUA_MAX_REQUEST_MB", default=50)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler refuses a body or a file over the limits while it streams in (motcua.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "motcua.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Storage each citizen may fill with uploads (drafts and the documents of their dossiers), in megabytes.
MOTCUA_CITIZEN_QUOTA_MB = env.int("MOTCUA_CITIZEN_QUOTA_MB", default=200)
# An e-form draft not saved for this many days is deleted with its files by `motcua uploads cleanup`.
MOTCUA_DRAFT_MAX_AGE_DAYS = env.int("MOTCUA_DRAFT_MAX_AGE_DAYS", default=90)

# Public lookup by dossier code + ID ending: failures allowed per code and per client in the window.
MOTCUA_LOOKUP_WINDOW_MINUTES = env.int("MOTCUA_LOOKUP_WINDOW_MINUTES", default=15)
MOTCUA_LOOKUP_FAILURES_PER_CODE = env.int("MOTCUA_LOOKUP_FAILURES_PER_CODE", default=10)
MOTCUA_LOOKUP_FAILURES_PER_CLIENT = env.int("MOTCUA_LOOKUP_FAILURES_PER_CLIENT", default=30)
# Working hours within which the one-stop department checks an online dossier, shown to the citizen on the
# confirmation page (docs/legal-basis.md section 22, [kiểm tra]): one working day by default.
MOTCUA_ONLINE_RECEPTION_HOURS = env.int("MOTCUA_ONLINE_RECEPTION_HOURS", default=8)
if MOTCUA_ONLINE_RECEPTION_HOURS < 1:
    raise ImproperlyConfigured("MOTCUA_ONLINE_RECEPTION_HOURS must be 1 or more")

# The client's address behind the TLS proxy (motcua.core.clients): empty = no proxy, REMOTE_ADDR only.
# MOTCUA_TRUSTED_PROXIES lists the addresses or networks of the proxies that connect to the application;
# only their MOTCUA_CLIENT_IP_HEADER is believed, MOTCUA_PROXY_COUNT entries from the right.
MOTCUA_TRUSTED_PROXIES = env.list("MOTCUA_TRUSTED_PROXIES", default=[])
MOTCUA_CLIENT_IP_HEADER = env.str("MOTCUA_CLIENT_IP_HEADER", default="X-Forwarded-For")
MOTCUA_PROXY_COUNT = env.int("MOTCUA_PROXY_COUNT", default=1)
for _proxy in MOTCUA_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"MOTCUA_TRUSTED_PROXIES: {_proxy!r} is not an IP network") from None
if MOTCUA_PROXY_COUNT < 1:
    raise ImproperlyConfigured("MOTCUA_PROXY_COUNT must be at least 1")
AXES_CLIENT_IP_CALLABLE = "motcua.core.clients.client_address"

# Session length (motcua.accounts.sessions): officers and administrators for a working day from login,
# optionally logged out after minutes without a request (0: no idle limit); citizens for their own hours.
MOTCUA_STAFF_SESSION_HOURS = env.float("MOTCUA_STAFF_SESSION_HOURS", default=10)
MOTCUA_STAFF_IDLE_MINUTES = env.int("MOTCUA_STAFF_IDLE_MINUTES", default=0)
MOTCUA_CITIZEN_SESSION_HOURS = env.float("MOTCUA_CITIZEN_SESSION_HOURS", default=4)

# Background work: django-tasks with its database backend; `motcua worker` runs db_worker.
# Queues: "default" (offline submissions…) and "signing" (the signing worker: the only process that loads
# signing keys, motcua.signing.tasks). `motcua worker` runs both.
TASK_QUEUES = ["default", "signing"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

# The province this installation serves (Huế: GSO code 46).
MOTCUA_PROVINCE_CODE = env.str("MOTCUA_PROVINCE_CODE", default="46")
# Checks of a catalog version contributed by apps above the catalog (catalog/verifier/plugins.py).
MOTCUA_CATALOG_CHECKS = ["motcua.registries.mapping.check_version", "motcua.signing.checks.check_version"]
# Result documents (motcua.signing.documents) are set in Liberation Serif, metric-compatible with Times New
# Roman (Decree 30/2020/NĐ-CP Annex I): Debian's fonts-liberation2, which `make demo` and `make test` install.
MOTCUA_DOCUMENT_FONTS = env.str("MOTCUA_DOCUMENT_FONTS", default="/usr/share/fonts/truetype/liberation2")
# Place name printed before the date of result documents ("Huế, ngày ... tháng ... năm ...").
MOTCUA_DOCUMENT_PLACE = env.str("MOTCUA_DOCUMENT_PLACE", default="Huế")
# A dossier or step counts as due soon with at most this many working hours left.
MOTCUA_DUE_SOON_HOURS = env.int("MOTCUA_DUE_SOON_HOURS", default=8)
# Văn bản xin lỗi (Circular 03/2025 form 04) is issued no later than this many working days before the
# appointment (Decree 61/2018: one day [kiểm tra Decree 118/2025]).
MOTCUA_APOLOGY_LEAD_DAYS = env.int("MOTCUA_APOLOGY_LEAD_DAYS", default=1)
if MOTCUA_APOLOGY_LEAD_DAYS < 0:
    raise ImproperlyConfigured("MOTCUA_APOLOGY_LEAD_DAYS must be 0 or more")
# The clock after a supplement is catalog data per procedure version (``supplement_clock``), no longer a
# setting: an installation that still sets the old variable is told where the rule went.
if env.str("MOTCUA_SUPPLEMENT_CLOCK", default=""):
    raise ImproperlyConfigured(
        "MOTCUA_SUPPLEMENT_CLOCK was removed: set 'supplement_clock' (resume | restart) on each procedure "
        "version in the catalog (docs/catalog.md)"
    )
# Dates an officer may type in filters: from MOTCUA_DATE_MIN to this many years after today.
MOTCUA_DATE_MIN = env.str("MOTCUA_DATE_MIN", default="2000-01-01")
MOTCUA_DATE_MAX_YEARS_AHEAD = env.int("MOTCUA_DATE_MAX_YEARS_AHEAD", default=2)

# National e-ID over OpenID Connect; the defaults point at the reference provider (refservices/idp).
MOTCUA_OIDC_ISSUER = env.str("MOTCUA_OIDC_ISSUER", default="http://127.0.0.1:8101")
MOTCUA_OIDC_CLIENT_ID = env.str("MOTCUA_OIDC_CLIENT_ID", default="motcua-portal")
MOTCUA_OIDC_CLIENT_SECRET = env.str(
    "MOTCUA_OIDC_CLIENT_SECRET", default="" if PRODUCTION else "motcua-portal-demo-secret"
)
if PRODUCTION and not MOTCUA_OIDC_CLIENT_SECRET:
    raise ImproperlyConfigured("MOTCUA_OIDC_CLIENT_SECRET must be set when MOTCUA_ENV=production")
MOTCUA_OIDC_SCOPE = env.str("MOTCUA_OIDC_SCOPE", default="openid profile address")
MOTCUA_OIDC_ACR_VALUES = env.str("MOTCUA_OIDC_ACR_VALUES", default="LoA1")
# How long a good discovery document and its keys are kept, and a failed discovery remembered (seconds).
MOTCUA_OIDC_DISCOVERY_TTL_SECONDS = env.int("MOTCUA_OIDC_DISCOVERY_TTL_SECONDS", default=3600)
MOTCUA_OIDC_DISCOVERY_RETRY_SECONDS = env.int("MOTCUA_OIDC_DISCOVERY_RETRY_SECONDS", default=30)
# Procedures per page of the portal's search.
MOTCUA_PORTAL_PAGE_SIZE = env.int("MOTCUA_PORTAL_PAGE_SIZE", default=20)
# Citizens' own online submission on this portal (e-form, draft, submit). Since 1 July 2025 the national
# public service portal (dichvucong.gov.vn) is the citizens' online channel: off by default in production,
# on in demo, development and test. Assisted submission at the counter does not depend on it.
MOTCUA_CITIZEN_SUBMISSION = env.bool("MOTCUA_CITIZEN_SUBMISSION", default=not PRODUCTION)
# The counter probes the e-ID provider's discovery document before an assisted online submission
# (Directive 24/CT-TTg); no answer within this many seconds means the online path is down.
MOTCUA_ONLINE_PROBE_TIMEOUT_SECONDS = env.float("MOTCUA_ONLINE_PROBE_TIMEOUT_SECONDS", default=3)
# Dossiers recorded offline are submitted by a background task, retried this often while the path is down.
MOTCUA_OFFLINE_RETRY_SECONDS = env.int("MOTCUA_OFFLINE_RETRY_SECONDS", default=300)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from other origins;
# forms may post to this site and to the e-ID provider (the login itself starts with a redirect).
_ISSUER = urlsplit(MOTCUA_OIDC_ISSUER)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, f"{_ISSUER.scheme}://{_ISSUER.netloc}"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Outbox delivery (issue 12)
# docs/integrations.md "Delivery". Topic -> destinations: `enqueue` writes one row per destination; a topic
# routed nowhere writes nothing; rows of a destination without an adapter wait (queue depth in /metrics).
try:
    MOTCUA_OUTBOX_ROUTES: dict[str, list[str]] = env.json(
        "MOTCUA_OUTBOX_ROUTES",
        default={
            "dossier.status": ["national_portal"],
            "dossier.progress": ["national_portal"],
            "dossier.rating": ["national_portal"],
            "national.intake": ["national_portal"],
            "notify.applicant": ["notifications"],
            "notify.staff": ["notifications"],
            "dossier.forwarding": ["forwarding"],
            "post.shipment": ["postal"],
        },
    )
except ValueError as _error:
    raise ImproperlyConfigured(f"MOTCUA_OUTBOX_ROUTES is not valid JSON: {_error}") from None
if not isinstance(MOTCUA_OUTBOX_ROUTES, dict) or not all(
    isinstance(_topic, str)
    and isinstance(_destinations, list)
    and all(isinstance(_d, str) and 0 < len(_d) <= 40 for _d in _destinations)
    for _topic, _destinations in MOTCUA_OUTBOX_ROUTES.items()
):
    raise ImproperlyConfigured(
        'MOTCUA_OUTBOX_ROUTES must be a JSON object {"topic": ["destination", ...]} (names of 1-40 chars)'
    )
# Destination -> adapter, Django-style: {"ADAPTER": "dotted.path.Class", "OPTIONS": {...}}
# (motcua.outbox.registry). A destination without an entry here is not delivered.
MOTCUA_OUTBOX_ADAPTERS: dict[str, dict] = {
    # The national public service portal adapter (issue 12, motcua.integrations.national_portal) goes here.
}
for _destination, _config in MOTCUA_OUTBOX_ADAPTERS.items():
    if not isinstance(_config, dict) or not isinstance(_config.get("ADAPTER"), str):
        raise ImproperlyConfigured(f"MOTCUA_OUTBOX_ADAPTERS[{_destination!r}] needs an 'ADAPTER' dotted path")
# At most this many messages per claim (an adapter's batch_size may lower it).
MOTCUA_OUTBOX_BATCH = env.int("MOTCUA_OUTBOX_BATCH", default=100)
# A claim is a lease on the rows: a worker that has not recorded an outcome after this many seconds loses
# them and another worker sends them again (a redelivery, same idempotency key).
MOTCUA_OUTBOX_CLAIM_SECONDS = env.int("MOTCUA_OUTBOX_CLAIM_SECONDS", default=60)
# Attempts before a message becomes a dead letter (an operator retries or skips it in the admin). With the
# default backoff, 24 attempts ride out a receiver outage of about 6.5 hours on average (13 at most): the
# national systems were down for hours at a time in July 2025 (dispatch 111/CĐ-TTg).
MOTCUA_OUTBOX_MAX_ATTEMPTS = env.int("MOTCUA_OUTBOX_MAX_ATTEMPTS", default=24)
# Exponential backoff with full jitter: the n-th failure waits a random time up to min(max, base * 2^(n-1)).
MOTCUA_OUTBOX_BACKOFF_SECONDS = env.float("MOTCUA_OUTBOX_BACKOFF_SECONDS", default=2)
MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = env.float("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS", default=3600)
# How long an idle delivery worker sleeps before it looks again.
MOTCUA_OUTBOX_POLL_SECONDS = env.float("MOTCUA_OUTBOX_POLL_SECONDS", default=1.0)
# Test switch: sleep this long between the claim and the send (fault tests force claims to overlap).
MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS = env.float("MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS", default=0)
# Delivered and skipped messages (with their attempts) are deleted after this many days (`outbox.cleanup`).
MOTCUA_OUTBOX_RETENTION_DAYS = env.int("MOTCUA_OUTBOX_RETENTION_DAYS", default=90)
# /metrics also answers `Authorization: Bearer <token>` (a Prometheus scraper); empty: staff sessions only.
MOTCUA_METRICS_TOKEN = env.str("MOTCUA_METRICS_TOKEN", default="")
for _name, _value, _least in [
    ("MOTCUA_OUTBOX_BATCH", MOTCUA_OUTBOX_BATCH, 1),
    ("MOTCUA_OUTBOX_CLAIM_SECONDS", MOTCUA_OUTBOX_CLAIM_SECONDS, 1),
    ("MOTCUA_OUTBOX_MAX_ATTEMPTS", MOTCUA_OUTBOX_MAX_ATTEMPTS, 1),
    ("MOTCUA_OUTBOX_BACKOFF_SECONDS", MOTCUA_OUTBOX_BACKOFF_SECONDS, 0),
    ("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS", MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS, 0),
    ("MOTCUA_OUTBOX_POLL_SECONDS", MOTCUA_OUTBOX_POLL_SECONDS, 0.01),
    ("MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS", MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS, 0),
    ("MOTCUA_OUTBOX_RETENTION_DAYS", MOTCUA_OUTBOX_RETENTION_DAYS, 1),
]:
    if not _value >= _least:  # also refuses NaN
        raise ImproperlyConfigured(f"{_name} must be at least {_least}, not {_value!r}")
if MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS < MOTCUA_OUTBOX_BACKOFF_SECONDS:
    raise ImproperlyConfigured(
        "MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS must not be less than MOTCUA_OUTBOX_BACKOFF_SECONDS"
    )

# --- National public service portal (issue 12)
# docs/integrations.md "National public service portal". The adapter (motcua.integrations.national_portal)
# syncs status, progress and ratings and pulls new online submissions; an empty URL (the production default)
# leaves it unconfigured: its messages wait in the outbox. Demo and tests talk to the reference portal
# (refservices/national_portal) on loopback with its demo account.
MOTCUA_NATIONAL_PORTAL_URL = env.str(
    "MOTCUA_NATIONAL_PORTAL_URL", default="" if PRODUCTION else "http://127.0.0.1:8102"
).rstrip("/")
MOTCUA_NATIONAL_PORTAL_USERNAME = env.str(
    "MOTCUA_NATIONAL_PORTAL_USERNAME", default="" if PRODUCTION else "motcua-hue"
)
MOTCUA_NATIONAL_PORTAL_PASSWORD = env.str(
    "MOTCUA_NATIONAL_PORTAL_PASSWORD", default="" if PRODUCTION else "motcua-hue-demo-secret"
)
MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS = env.float("MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS", default=10)
# How often a delivery worker pulls new submissions (LayHoSoMoi), under the lease "national_portal.intake".
MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS = env.float("MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS", default=30)
if (
    MOTCUA_NATIONAL_PORTAL_URL
    and PRODUCTION
    and not (MOTCUA_NATIONAL_PORTAL_USERNAME and MOTCUA_NATIONAL_PORTAL_PASSWORD)
):
    raise ImproperlyConfigured(
        "MOTCUA_NATIONAL_PORTAL_USERNAME and MOTCUA_NATIONAL_PORTAL_PASSWORD must be set when "
        "MOTCUA_NATIONAL_PORTAL_URL is set and MOTCUA_ENV=production"
    )
if not (MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS > 0 and MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS > 0):
    raise ImproperlyConfigured(
        "MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS and MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS must be positive"
    )
if MOTCUA_NATIONAL_PORTAL_URL:
    MOTCUA_OUTBOX_ADAPTERS.setdefault(
        "national_portal",
        {
            "ADAPTER": "motcua.integrations.national_portal.adapter.NationalPortalAdapter",
            "OPTIONS": {
                "url": MOTCUA_NATIONAL_PORTAL_URL,
                "username": MOTCUA_NATIONAL_PORTAL_USERNAME,
                "password": MOTCUA_NATIONAL_PORTAL_PASSWORD,
                "timeout": MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS,
                "intake_seconds": MOTCUA_NATIONAL_PORTAL_INTAKE_SECONDS,
                "province": MOTCUA_PROVINCE_CODE,
            },
        },
    )

# --- Registries (issue 14)
# docs/registries.md. The population, business, land and civil-status registries motcua reads with the
# citizen's consent (motcua.registries): one base URL (KINDS may send one kind elsewhere), HTTP Basic client
# credentials, and the time a lookup may take in all, retries included. An empty URL (the production default)
# leaves them unconfigured: every lookup answers "registry unavailable" and citizens fill the form by hand.
# Demo and tests talk to the reference registries (refservices/registries) on loopback.
MOTCUA_REGISTRIES: dict = {
    "URL": env.str("MOTCUA_REGISTRIES_URL", default="" if PRODUCTION else "http://127.0.0.1:8103").rstrip(
        "/"
    ),
    "CLIENT_ID": env.str("MOTCUA_REGISTRIES_CLIENT_ID", default="" if PRODUCTION else "motcua-hue"),
    "CLIENT_SECRET": env.str(
        "MOTCUA_REGISTRIES_CLIENT_SECRET", default="" if PRODUCTION else "motcua-hue-registries-demo-secret"
    ),
    "TIMEOUT_SECONDS": env.float("MOTCUA_REGISTRIES_TIMEOUT_SECONDS", default=3.0),
    "CONNECT_TIMEOUT_SECONDS": env.float("MOTCUA_REGISTRIES_CONNECT_TIMEOUT_SECONDS", default=1.0),
    "ATTEMPTS": env.int("MOTCUA_REGISTRIES_ATTEMPTS", default=3),
    "BACKOFF_SECONDS": env.float("MOTCUA_REGISTRIES_BACKOFF_SECONDS", default=0.2),
    "BREAKER_FAILURES": env.int("MOTCUA_REGISTRIES_BREAKER_FAILURES", default=5),
    "BREAKER_RESET_SECONDS": env.float("MOTCUA_REGISTRIES_BREAKER_RESET_SECONDS", default=30),
    "CACHE_SECONDS": env.int("MOTCUA_REGISTRIES_CACHE_SECONDS", default=60),
    "CONSENT_VALID_MINUTES": env.int("MOTCUA_REGISTRIES_CONSENT_VALID_MINUTES", default=24 * 60),
}
if (
    PRODUCTION
    and MOTCUA_REGISTRIES["URL"]
    and not (MOTCUA_REGISTRIES["CLIENT_ID"] and MOTCUA_REGISTRIES["CLIENT_SECRET"])
):
    raise ImproperlyConfigured(
        "MOTCUA_REGISTRIES_CLIENT_ID and MOTCUA_REGISTRIES_CLIENT_SECRET must be set when "
        "MOTCUA_REGISTRIES_URL is set and MOTCUA_ENV=production"
    )

# --- Signed results (issue 15)
# docs/signing.md. Result documents are signed in PAdES (motcua.signing): B-T when a time-stamping authority
# (RFC 3161) is configured, else B-B. TRUST_ROOTS are the PEM files of the certification authorities whose
# signatures validate (the national root CA in production); the demo and tests use the test PKI that
# refservices/pki sets up under PKI_DIR and serves on loopback (CRL, OCSP, time stamps). ALLOW_FETCHING lets
# validation fetch OCSP answers and CRLs from the addresses in the certificates. Production refuses to sign
# without trust roots.
_PKI_DIR = Path(env.str("MOTCUA_SIGNING_PKI_DIR", default=str(VAR_DIR / "pki")))
MOTCUA_SIGNING: dict = {
    "enabled": env.bool("MOTCUA_SIGNING_ENABLED", default=not PRODUCTION),
    "trust_roots": env.list(
        "MOTCUA_SIGNING_TRUST_ROOTS", default=[] if PRODUCTION else [str(_PKI_DIR / "certs" / "root.pem")]
    ),
    "timestamp_url": env.str(
        "MOTCUA_SIGNING_TIMESTAMP_URL",
        default="http://127.0.0.1:8104/motcua-test/tsa/tsa" if MOTCUA_ENV == "demo" else "",
    ),
    "pki_dir": str(_PKI_DIR),
    "allow_fetching": env.bool("MOTCUA_SIGNING_ALLOW_FETCHING", default=True),
    # Key sources of kind "pkcs11" (motcua.signing.pkcs11): the PKCS#11 library, unless the key names one.
    "pkcs11_module": env.str("MOTCUA_SIGNING_PKCS11_MODULE", default="/usr/lib/softhsm/libsofthsm2.so"),
    # Key sources of kind "csc" (motcua.signing.csc): the remote-signing service, unless the key names one.
    "csc_url": env.str(
        "MOTCUA_SIGNING_CSC_URL", default="http://127.0.0.1:8105" if MOTCUA_ENV == "demo" else ""
    ),
}
if PRODUCTION and MOTCUA_SIGNING["enabled"]:
    if not MOTCUA_SIGNING["trust_roots"]:
        raise ImproperlyConfigured(
            "MOTCUA_SIGNING_TRUST_ROOTS must name the trust roots' PEM files when MOTCUA_SIGNING_ENABLED "
            "is on and MOTCUA_ENV=production"
        )
    for _root in MOTCUA_SIGNING["trust_roots"]:
        if not Path(_root).is_file():
            raise ImproperlyConfigured(f"MOTCUA_SIGNING_TRUST_ROOTS: no such file {_root!r}")
# Signed results (motcua.signing): the site's public address, printed on every issued document as the
# verification link and its QR code (``/xac-thuc/<id>/``); the largest PDF the public verification page
# accepts for comparison.
MOTCUA_PUBLIC_BASE_URL = env.str("MOTCUA_PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
MOTCUA_VERIFY_MAX_MB = env.int("MOTCUA_VERIFY_MAX_MB", default=20)
# Uploads to the public verification page per client address (motcua.core.clients) in the window; beyond
# it the page answers 429 until the window passes (each upload costs a signature validation).
MOTCUA_VERIFY_UPLOADS_PER_CLIENT = env.int("MOTCUA_VERIFY_UPLOADS_PER_CLIENT", default=10)
MOTCUA_VERIFY_WINDOW_MINUTES = env.int("MOTCUA_VERIFY_WINDOW_MINUTES", default=10)

# --- The post (issue 16, part 3)
# docs/integrations.md "Post". Dossiers picked up and results returned by the public postal service (Decision
# 45/2016/QĐ-TTg): the adapter (motcua.postal.adapter, outbox destination ``postal``) creates shipments at the
# postal service's API with an API key; the service reports status changes to our callback
# (/buu-chinh/callback/), signed with HMAC-SHA256 over the raw body with CALLBACK_SECRET. An empty URL (the
# production default) leaves the adapter unconfigured: shipment requests wait in the outbox. Demo and tests
# talk to the reference postal service (refservices/postal) on loopback.
MOTCUA_POSTAL: dict = {
    "URL": env.str("MOTCUA_POSTAL_URL", default="" if PRODUCTION else "http://127.0.0.1:8109").rstrip("/"),
    "API_KEY": env.str("MOTCUA_POSTAL_API_KEY", default="" if PRODUCTION else "motcua-hue-postal-demo-key"),
    "CALLBACK_SECRET": env.str(
        "MOTCUA_POSTAL_CALLBACK_SECRET", default="" if PRODUCTION else "motcua-hue-postal-demo-secret"
    ),
    # Where the postal service sends its status updates (our public address + /buu-chinh/callback/).
    "CALLBACK_URL": env.str("MOTCUA_POSTAL_CALLBACK_URL", default=""),
    # Off only outside production (a development receiver without a secret); production refuses to start.
    "VERIFY_SIGNATURES": env.bool("MOTCUA_POSTAL_VERIFY_SIGNATURES", default=True),
    # A callback whose ``sent_at`` is further than this from our clock is refused (replays of old bodies).
    "CALLBACK_WINDOW_SECONDS": env.int("MOTCUA_POSTAL_CALLBACK_WINDOW_SECONDS", default=300),
    "TIMEOUT_SECONDS": env.float("MOTCUA_POSTAL_TIMEOUT_SECONDS", default=10),
    # The sender printed on the waybill: the reception point's agency unless set.
    "SENDER": env.str("MOTCUA_POSTAL_SENDER", default=""),
}
if PRODUCTION and not MOTCUA_POSTAL["VERIFY_SIGNATURES"]:
    raise ImproperlyConfigured(
        "MOTCUA_POSTAL_VERIFY_SIGNATURES cannot be switched off when MOTCUA_ENV=production"
    )
if (
    PRODUCTION
    and MOTCUA_POSTAL["URL"]
    and not (MOTCUA_POSTAL["API_KEY"] and MOTCUA_POSTAL["CALLBACK_SECRET"])
):
    raise ImproperlyConfigured(
        "MOTCUA_POSTAL_API_KEY and MOTCUA_POSTAL_CALLBACK_SECRET must be set when MOTCUA_POSTAL_URL is set "
        "and MOTCUA_ENV=production"
    )
if not (MOTCUA_POSTAL["TIMEOUT_SECONDS"] > 0 and MOTCUA_POSTAL["CALLBACK_WINDOW_SECONDS"] > 0):
    raise ImproperlyConfigured(
        "MOTCUA_POSTAL_TIMEOUT_SECONDS and MOTCUA_POSTAL_CALLBACK_WINDOW_SECONDS must be positive"
    )
if MOTCUA_POSTAL["URL"]:
    MOTCUA_OUTBOX_ADAPTERS.setdefault(
        "postal", {"ADAPTER": "motcua.postal.adapter.PostalAdapter", "OPTIONS": {}}
    )

# --- Notifications (issue 16)
# docs/integrations.md "Notifications". E-mail through an SMTP relay and SMS through an HTTP gateway; empty
# EMAIL_HOST / SMS_URL (the default outside the demo) leave that channel off, and with both off the
# ``notifications`` destination has no adapter: its outbox rows wait. The demo talks to the local SMTP server
# (refservices/smtp, 8025) and the reference SMS gateway (refservices/sms, 8107). Delivery receipts are signed
# (HMAC-SHA256 of the body); in production the check cannot be switched off.
_DEMO = MOTCUA_ENV == "demo"
MOTCUA_NOTIFICATIONS: dict = {
    "EMAIL_HOST": env.str("MOTCUA_NOTIFICATIONS_EMAIL_HOST", default="127.0.0.1" if _DEMO else ""),
    "EMAIL_PORT": env.int("MOTCUA_NOTIFICATIONS_EMAIL_PORT", default=8025 if _DEMO else 25),
    "EMAIL_USER": env.str("MOTCUA_NOTIFICATIONS_EMAIL_USER", default=""),
    "EMAIL_PASSWORD": env.str("MOTCUA_NOTIFICATIONS_EMAIL_PASSWORD", default=""),
    "EMAIL_USE_TLS": env.bool("MOTCUA_NOTIFICATIONS_EMAIL_USE_TLS", default=False),
    "EMAIL_USE_SSL": env.bool("MOTCUA_NOTIFICATIONS_EMAIL_USE_SSL", default=False),
    "EMAIL_FROM": env.str(
        "MOTCUA_NOTIFICATIONS_EMAIL_FROM", default="Một cửa điện tử <thongbao@motcua.localhost>"
    ),
    "SMS_URL": env.str(
        "MOTCUA_NOTIFICATIONS_SMS_URL", default="http://127.0.0.1:8107" if _DEMO else ""
    ).rstrip("/"),
    "SMS_API_KEY": env.str(
        "MOTCUA_NOTIFICATIONS_SMS_API_KEY", default="motcua-sms-demo-key" if _DEMO else ""
    ),
    "SMS_CALLBACK_SECRET": env.str(
        "MOTCUA_NOTIFICATIONS_SMS_CALLBACK_SECRET",
        default="" if PRODUCTION else "motcua-sms-callback-demo-secret",
    ),
    # Where the gateway POSTs its receipts (this site's notifications:sms_receipt).
    "SMS_CALLBACK_URL": env.str(
        "MOTCUA_NOTIFICATIONS_SMS_CALLBACK_URL", default=f"{MOTCUA_PUBLIC_BASE_URL}/tich-hop/sms/bien-nhan/"
    ),
    "SMS_VERIFY_SIGNATURES": env.bool("MOTCUA_NOTIFICATIONS_SMS_VERIFY_SIGNATURES", default=True),
    "CALLBACK_WINDOW_SECONDS": env.int("MOTCUA_NOTIFICATIONS_CALLBACK_WINDOW_SECONDS", default=300),
    "TIMEOUT_SECONDS": env.float("MOTCUA_NOTIFICATIONS_TIMEOUT_SECONDS", default=10),
    "CODE_MINUTES": env.int("MOTCUA_NOTIFICATIONS_CODE_MINUTES", default=10),
    "CODE_ATTEMPTS": env.int("MOTCUA_NOTIFICATIONS_CODE_ATTEMPTS", default=5),
}
if PRODUCTION and not MOTCUA_NOTIFICATIONS["SMS_VERIFY_SIGNATURES"]:
    raise ImproperlyConfigured(
        "MOTCUA_NOTIFICATIONS_SMS_VERIFY_SIGNATURES cannot be off when MOTCUA_ENV=production"
    )
if PRODUCTION and MOTCUA_NOTIFICATIONS["SMS_URL"] and not MOTCUA_NOTIFICATIONS["SMS_CALLBACK_SECRET"]:
    raise ImproperlyConfigured(
        "MOTCUA_NOTIFICATIONS_SMS_CALLBACK_SECRET must be set when MOTCUA_NOTIFICATIONS_SMS_URL is set and "
        "MOTCUA_ENV=production"
    )
if MOTCUA_NOTIFICATIONS["EMAIL_HOST"] or MOTCUA_NOTIFICATIONS["SMS_URL"]:
    MOTCUA_OUTBOX_ADAPTERS.setdefault(
        "notifications",
        {"ADAPTER": "motcua.notifications.adapter.NotificationsAdapter", "OPTIONS": MOTCUA_NOTIFICATIONS},
    )
# --- Payments (issue 16)
# docs/integrations.md "Payments". Fees are paid by VietQR bank transfer to the agency's account (its
# PaymentAccount, else the installation's account below); the payment gateway (the national portal's payment
# platform, a provincial gateway, or refservices/payments in demo and tests) takes payment orders from the
# outbox (topic payment.order, destination "payments") and reports transfers by signed callback
# (HMAC-SHA256 over "<timestamp>.<raw body>" with CALLBACK_SECRET). An empty GATEWAY_URL (the production
# default) leaves the adapter unconfigured: orders wait in the outbox; callbacks are still verified.
MOTCUA_PAYMENTS: dict = {
    "GATEWAY_URL": env.str(
        "MOTCUA_PAYMENTS_GATEWAY_URL", default="" if PRODUCTION else "http://127.0.0.1:8108"
    ).rstrip("/"),
    "API_KEY": env.str(
        "MOTCUA_PAYMENTS_API_KEY", default="" if PRODUCTION else "motcua-hue-payments-demo-key"
    ),
    "CALLBACK_SECRET": env.str(
        "MOTCUA_PAYMENTS_CALLBACK_SECRET", default="" if PRODUCTION else "motcua-hue-payments-callback-secret"
    ),
    # Off only for a development gateway that cannot sign; refused in production (system check payments.E001).
    "VERIFY_SIGNATURES": env.bool("MOTCUA_PAYMENTS_VERIFY_SIGNATURES", default=True),
    "CALLBACK_WINDOW_SECONDS": env.int("MOTCUA_PAYMENTS_CALLBACK_WINDOW_SECONDS", default=300),
    "PROVIDER": env.str("MOTCUA_PAYMENTS_PROVIDER", default="gateway"),
    "TIMEOUT_SECONDS": env.float("MOTCUA_PAYMENTS_TIMEOUT_SECONDS", default=10),
    # The installation's beneficiary account (NAPAS BIN of the bank, account number, account name).
    "BANK_BIN": env.str("MOTCUA_PAYMENTS_BANK_BIN", default="" if PRODUCTION else "970415"),
    "ACCOUNT_NUMBER": env.str("MOTCUA_PAYMENTS_ACCOUNT_NUMBER", default="" if PRODUCTION else "113000046001"),
    "ACCOUNT_NAME": env.str(
        "MOTCUA_PAYMENTS_ACCOUNT_NAME", default="" if PRODUCTION else "TRUNG TAM PHUC VU HANH CHINH CONG HUE"
    ),
    "REFERENCE_PREFIX": env.str("MOTCUA_PAYMENTS_REFERENCE_PREFIX", default="MC"),
    # Ký hiệu of the electronic fee receipts (biên lai điện tử, Circular 78/2021/TT-BTC).
    "RECEIPT_SERIES": env.str("MOTCUA_PAYMENTS_RECEIPT_SERIES", default="BLP"),
    # The daily reconciliation (đối soát) of yesterday, run by the payments adapter's periodic job under the
    # lease "payments.reconcile": looked at every RECONCILE_EVERY_SECONDS, made once a day from this hour on.
    "RECONCILE_AFTER_HOUR": env.int("MOTCUA_PAYMENTS_RECONCILE_AFTER_HOUR", default=1),
    "RECONCILE_EVERY_SECONDS": env.float("MOTCUA_PAYMENTS_RECONCILE_EVERY_SECONDS", default=3600),
}
if not 0 <= MOTCUA_PAYMENTS["RECONCILE_AFTER_HOUR"] <= 23:
    raise ImproperlyConfigured("MOTCUA_PAYMENTS_RECONCILE_AFTER_HOUR must be an hour from 0 to 23")
if not MOTCUA_PAYMENTS["RECONCILE_EVERY_SECONDS"] > 0:
    raise ImproperlyConfigured("MOTCUA_PAYMENTS_RECONCILE_EVERY_SECONDS must be positive")
if PRODUCTION and not MOTCUA_PAYMENTS["VERIFY_SIGNATURES"]:
    raise ImproperlyConfigured("MOTCUA_PAYMENTS_VERIFY_SIGNATURES cannot be off when MOTCUA_ENV=production")
if not (
    MOTCUA_PAYMENTS["REFERENCE_PREFIX"].isascii()
    and MOTCUA_PAYMENTS["REFERENCE_PREFIX"].isalpha()
    and MOTCUA_PAYMENTS["REFERENCE_PREFIX"].isupper()
    and 1 <= len(MOTCUA_PAYMENTS["REFERENCE_PREFIX"]) <= 4
):
    raise ImproperlyConfigured("MOTCUA_PAYMENTS_REFERENCE_PREFIX must be 1-4 upper-case ASCII letters")
if MOTCUA_PAYMENTS["GATEWAY_URL"]:
    MOTCUA_OUTBOX_ADAPTERS.setdefault(
        "payments",
        {"ADAPTER": "motcua.payments.adapter.PaymentsAdapter", "OPTIONS": {}},
    )
MOTCUA_OUTBOX_ROUTES.setdefault("payment.order", ["payments"])
