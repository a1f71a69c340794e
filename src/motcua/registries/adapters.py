"""One narrow client per registry kind: ``fetch(identifier, *, purpose) -> {field: value}``.

The HTTP JSON implementation speaks the reference registries' protocol (refservices/registries, documented
in docs/registries.md): ``GET <URL>/api/v1/<kind>/<identifier>?fields=...`` with HTTP Basic client
credentials and the purpose of the lookup in ``X-Purpose`` (UTF-8, percent-encoded).

Nobody waits longer than ``TIMEOUT_SECONDS``: every attempt's connect and read timeouts and every backoff
sleep are cut to what is left of that budget. A timeout, a refused connection or a 5xx answer is tried again
(tenacity, exponential backoff with jitter) while time remains; a circuit breaker per registry and process
(pybreaker) fails lookups at once after ``BREAKER_FAILURES`` failed lookups in a row; good answers are kept
``CACHE_SECONDS`` in Django's cache.

Errors are DomainErrors with a Vietnamese message a page can show: ``RecordNotFound`` (the registry holds no
such record) and ``RegistryUnavailable`` (down, slow, refusing our credentials, breaker open: fill by hand).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from typing import Any
from urllib.parse import quote

import pybreaker
import requests
import tenacity
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.registries import conf, errors
from motcua.registries.fields import CIVIL_STATUS, KINDS, registry_label

logger = logging.getLogger(__name__)

# No attempt starts with less time than this left: it could not finish anyway.
MIN_ATTEMPT_SECONDS = 0.05
# A record is a few kilobytes; anything far larger is not an answer of the protocol.
MAX_ANSWER_BYTES = 1024 * 1024
# URL segment of each kind in the protocol.
PATHS = {"population": "population", "business": "business", "land": "land", CIVIL_STATUS: "civil-status"}


class RegistryError(DomainError):
    """Any failure of a registry lookup."""


class RecordNotFound(RegistryError):
    """The registry answered: no record for this identifier."""

    def __init__(self, registry: str, identifier: str) -> None:
        super().__init__(
            errors.NOT_FOUND,
            _("%(registry)s không có thông tin về %(identifier)s. Vui lòng kiểm tra lại số đã nhập."),
            registry=registry_label(registry),
            identifier=identifier,
        )
        self.registry = registry
        self.identifier = identifier


class RegistryUnavailable(RegistryError):
    """No usable answer in time: down, slow, a server error, our credentials refused, or the breaker open."""

    def __init__(self, registry: str, reason: str) -> None:
        super().__init__(
            errors.UNAVAILABLE,
            _(
                "Hiện không lấy được thông tin từ %(registry)s. Vui lòng tự nhập thông tin và đính kèm "
                "giấy tờ; hồ sơ vẫn được nộp bình thường."
            ),
            registry=registry_label(registry),
        )
        self.registry = registry
        self.reason = reason


class RegistryAuthRefused(RegistryUnavailable):
    """The registry refused our client credentials or the request itself (misconfiguration): not retried."""


class _Transient(Exception):
    """A failure worth another attempt while time remains."""


class _OutOfTime(tenacity.stop.stop_base):
    """Stop retrying when the next attempt, after its backoff sleep, could not start before the deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        upcoming = retry_state.upcoming_sleep or 0
        return time.monotonic() + upcoming + MIN_ATTEMPT_SECONDS >= self.deadline


# --- circuit breakers: one per registry kind (and settings) per process --------------------------------

_breakers: dict[tuple[str, str, int, float], pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(kind: str) -> pybreaker.CircuitBreaker:
    cfg = conf.for_kind(kind)
    key = (kind, cfg.url, cfg.breaker_failures, cfg.breaker_reset)
    with _breakers_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = pybreaker.CircuitBreaker(
                fail_max=cfg.breaker_failures,
                reset_timeout=cfg.breaker_reset,
                exclude=[RecordNotFound],
                name=f"registry:{kind}",
            )
            _breakers[key] = breaker
        return breaker


def reset_breakers() -> None:
    """Forget every breaker's state (tests; an operator after fixing the registry's address)."""
    with _breakers_lock:
        _breakers.clear()


def breaker_state(kind: str) -> str:
    """``closed``, ``open`` or ``half-open``."""
    return str(breaker_for(kind).current_state)


# --- HTTP ------------------------------------------------------------------------------------------------

_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        _local.session = session
    return session


def cache_key(kind: str, identifier: str, fields: list[str] | None) -> str:
    digest = hashlib.sha256(
        f"{kind}\x00{identifier}\x00{','.join(sorted(fields or []))}".encode()
    ).hexdigest()
    return f"registries:{kind}:{digest[:40]}"


class HttpRegistryClient:
    """A registry of one kind reached over HTTP JSON."""

    kind: str = ""

    def __init__(self, kind: str | None = None) -> None:
        self.kind = kind or self.kind
        if self.kind not in KINDS:
            raise ValueError(f"unknown registry kind {self.kind!r}")

    def fetch(
        self, identifier: str, *, purpose: str, fields: list[str] | None = None, requester: str = ""
    ) -> dict[str, Any]:
        """The record's fields (only ``fields`` when given), from the cache or the registry.

        Raises RecordNotFound or RegistryUnavailable; never takes longer than the configured timeout."""
        return self.fetch_with_source(identifier, purpose=purpose, fields=fields, requester=requester)[0]

    def fetch_with_source(
        self, identifier: str, *, purpose: str, fields: list[str] | None = None, requester: str = ""
    ) -> tuple[dict[str, Any], bool]:
        """``(fields, came from the cache)``."""
        cfg = conf.for_kind(self.kind)
        key = cache_key(self.kind, identifier, fields)
        if cfg.cache_seconds:
            cached = cache.get(key)
            if isinstance(cached, dict):
                return cached, True
        if not cfg.url:
            raise RegistryUnavailable(self.kind, "not configured (MOTCUA_REGISTRIES['URL'] is empty)")
        breaker = breaker_for(self.kind)
        try:
            data = breaker.call(self._fetch_in_time, cfg, identifier, purpose, fields, requester)
        except pybreaker.CircuitBreakerError as error:
            raise RegistryUnavailable(self.kind, f"circuit breaker open: {error}") from error
        if cfg.cache_seconds:
            cache.set(key, data, cfg.cache_seconds)
        return data, False

    def _fetch_in_time(
        self,
        cfg: conf.RegistrySettings,
        identifier: str,
        purpose: str,
        fields: list[str] | None,
        requester: str,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + cfg.timeout
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(cfg.attempts) | _OutOfTime(deadline),
            wait=tenacity.wait_exponential(multiplier=cfg.backoff, max=max(cfg.backoff, cfg.timeout))
            + tenacity.wait_random(0, cfg.backoff),
            retry=tenacity.retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            return retrying(self._attempt, cfg, deadline, identifier, purpose, fields, requester)
        except _Transient as error:
            logger.warning("registry %s unavailable: %s", self.kind, error)
            raise RegistryUnavailable(self.kind, str(error)) from error

    def _attempt(
        self,
        cfg: conf.RegistrySettings,
        deadline: float,
        identifier: str,
        purpose: str,
        fields: list[str] | None,
        requester: str,
    ) -> dict[str, Any]:
        left = deadline - time.monotonic()
        if left < MIN_ATTEMPT_SECONDS:
            raise _Transient(f"timeout of {cfg.timeout}s spent")
        url = f"{cfg.url}/api/v1/{PATHS[self.kind]}/{quote(identifier, safe='')}"
        headers = {"X-Purpose": quote(purpose, safe=""), "Accept": "application/json"}
        if requester:
            headers["X-Requester"] = quote(requester[:200], safe="")
        try:
            response = _session().get(
                url,
                params={"fields": ",".join(fields)} if fields else None,
                headers=headers,
                auth=(cfg.client_id, cfg.client_secret),
                timeout=(min(cfg.connect_timeout, left), left),
                allow_redirects=False,
                stream=True,
            )
            status = response.status_code
            # The read timeout bounds each wait for bytes; the deadline bounds the whole answer.
            content = bytearray()
            with response:
                for chunk in response.iter_content(16384):
                    content += chunk
                    if time.monotonic() > deadline:
                        raise _Transient(f"answer not complete within {cfg.timeout}s")
                    if len(content) > MAX_ANSWER_BYTES:
                        raise _Transient("answer too large")
        except requests.Timeout as error:
            raise _Transient(f"timeout after {left:.2f}s") from error
        except requests.RequestException as error:
            raise _Transient(f"{type(error).__name__}: {error}") from error
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        if status == 200 and isinstance(body, dict) and isinstance(body.get("data"), dict):
            return body["data"]
        code = body.get("error", "") if isinstance(body, dict) else ""
        if (status == 404 and code == "not_found") or (status == 400 and code == "bad_identifier"):
            raise RecordNotFound(self.kind, identifier)
        if status >= 500 or status == 429 or status == 200:
            raise _Transient(f"HTTP {status} {code}".strip())
        # 401/403: our credentials; other 4xx: our request (purpose, fields). Trying again will not help.
        raise RegistryAuthRefused(self.kind, f"HTTP {status} {code}".strip())


class PopulationRegistry(HttpRegistryClient):
    """Cơ sở dữ liệu quốc gia về dân cư, by the 12-digit personal ID number."""

    kind = "population"


class BusinessRegistry(HttpRegistryClient):
    """Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp, by the enterprise (tax) code."""

    kind = "business"


class LandRegistry(HttpRegistryClient):
    """Cơ sở dữ liệu đất đai, by parcel (commune code, map sheet, parcel number)."""

    kind = "land"


class CivilStatusRegistry(HttpRegistryClient):
    """Cơ sở dữ liệu hộ tịch điện tử, by the personal ID number: birth, marriage and death records."""

    kind = CIVIL_STATUS


CLIENTS: dict[str, type[HttpRegistryClient]] = {
    "population": PopulationRegistry,
    "business": BusinessRegistry,
    "land": LandRegistry,
    CIVIL_STATUS: CivilStatusRegistry,
}


def client_for(kind: str) -> HttpRegistryClient:
    """The client of one registry kind."""
    try:
        return CLIENTS[kind]()
    except KeyError:
        raise ValueError(f"unknown registry kind {kind!r}") from None
