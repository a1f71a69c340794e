"""The registries' settings (``MOTCUA_REGISTRIES``), read at each use so that tests can change them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # Base URL of the registries' API; "" leaves them unconfigured (every lookup: registry unavailable).
    "URL": "",
    # HTTP Basic client credentials issued to this installation.
    "CLIENT_ID": "",
    "CLIENT_SECRET": "",
    # The longest a lookup may take, retries and backoff included (seconds): nobody waits longer.
    "TIMEOUT_SECONDS": 3.0,
    # At most this long to open the connection, within the timeout.
    "CONNECT_TIMEOUT_SECONDS": 1.0,
    # Attempts per lookup (a timeout, a refused connection or a 5xx answer is tried again) and the first
    # backoff (doubled at each attempt, with jitter), both within TIMEOUT_SECONDS.
    "ATTEMPTS": 3,
    "BACKOFF_SECONDS": 0.2,
    # Circuit breaker per registry and process: after this many failed lookups in a row the registry is
    # taken as down for BREAKER_RESET_SECONDS (lookups fail at once), then one lookup probes it.
    "BREAKER_FAILURES": 5,
    "BREAKER_RESET_SECONDS": 30.0,
    # Answers are kept this many seconds in Django's cache (0: never), per registry, identifier and fields.
    "CACHE_SECONDS": 60,
    # A consent allows lookups for this many minutes after it was given.
    "CONSENT_VALID_MINUTES": 24 * 60,
    # Per registry kind: {"URL": ...} to reach one registry elsewhere than URL.
    "KINDS": {},
}


@dataclass(frozen=True)
class RegistrySettings:
    url: str
    client_id: str
    client_secret: str
    timeout: float
    connect_timeout: float
    attempts: int
    backoff: float
    breaker_failures: int
    breaker_reset: float
    cache_seconds: int
    consent_valid_minutes: int


def _merged() -> dict[str, Any]:
    configured = getattr(settings, "MOTCUA_REGISTRIES", None) or {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("MOTCUA_REGISTRIES must be a dict")
    unknown = set(configured) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"MOTCUA_REGISTRIES: unknown keys {', '.join(sorted(unknown))}")
    return {**DEFAULTS, **configured}


def for_kind(kind: str) -> RegistrySettings:
    """The settings one registry kind uses (its own URL if KINDS names one)."""
    merged = _merged()
    override = (merged.get("KINDS") or {}).get(kind) or {}
    values = {**merged, **override}
    result = RegistrySettings(
        url=str(values["URL"] or "").rstrip("/"),
        client_id=str(values["CLIENT_ID"]),
        client_secret=str(values["CLIENT_SECRET"]),
        timeout=float(values["TIMEOUT_SECONDS"]),
        connect_timeout=float(values["CONNECT_TIMEOUT_SECONDS"]),
        attempts=int(values["ATTEMPTS"]),
        backoff=float(values["BACKOFF_SECONDS"]),
        breaker_failures=int(values["BREAKER_FAILURES"]),
        breaker_reset=float(values["BREAKER_RESET_SECONDS"]),
        cache_seconds=int(values["CACHE_SECONDS"]),
        consent_valid_minutes=int(values["CONSENT_VALID_MINUTES"]),
    )
    if not (result.timeout > 0 and result.connect_timeout > 0 and result.attempts >= 1):
        raise ImproperlyConfigured(
            "MOTCUA_REGISTRIES: TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS > 0, ATTEMPTS >= 1"
        )
    if not (result.backoff >= 0 and result.breaker_failures >= 1 and result.breaker_reset > 0):
        raise ImproperlyConfigured(
            "MOTCUA_REGISTRIES: BACKOFF_SECONDS >= 0, BREAKER_FAILURES >= 1, BREAKER_RESET_SECONDS > 0"
        )
    if result.cache_seconds < 0 or result.consent_valid_minutes < 1:
        raise ImproperlyConfigured("MOTCUA_REGISTRIES: CACHE_SECONDS >= 0, CONSENT_VALID_MINUTES >= 1")
    return result


def consent_valid_minutes() -> int:
    return int(_merged()["CONSENT_VALID_MINUTES"])
