"""The channels a message leaves by: e-mail through Django's mail (an SMTP relay) and SMS through an HTTP
gateway. A channel implements ``Sender``: ``send`` returns the provider's message id or raises
``TransientError`` (try again later: network, timeouts, 4xx SMTP replies, 5xx HTTP) or ``PermanentError``
(the address or number does not exist or is refused: retrying cannot help). Zalo Official Account messages
and the national e-ID app (VNeID) fit the same interface (docs/integrations.md "Notifications").
"""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from typing import Any

import requests
from django.core.mail import EmailMessage, get_connection

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class DeliveryError(Exception):
    """A send that did not succeed; ``http_status`` is the provider's answer when there was one."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class TransientError(DeliveryError):
    pass


class PermanentError(DeliveryError):
    pass


@dataclass(frozen=True)
class Outgoing:
    """One message to one address: ``key`` is the idempotency key the provider de-duplicates by."""

    address: str
    subject: str
    body: str
    language: str
    key: str


class Sender:
    """A channel's sender: built once per adapter from the notifications settings."""

    channel: str = ""

    def send(self, message: Outgoing) -> str:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""


class EmailSender(Sender):
    """E-mail through Django's mail with its SMTP backend, named here rather than taken from EMAIL_BACKEND:
    the test runner swaps EMAIL_BACKEND for the in-memory one, which would stand in for the relay under
    test."""

    channel = "email"

    def __init__(self, options: dict[str, Any]) -> None:
        self.backend = options.get("EMAIL_BACKEND") or SMTP_BACKEND
        self.host = options["EMAIL_HOST"]
        self.port = int(options.get("EMAIL_PORT") or 25)
        self.username = options.get("EMAIL_USER", "")
        self.password = options.get("EMAIL_PASSWORD", "")
        self.use_tls = bool(options.get("EMAIL_USE_TLS", False))
        self.use_ssl = bool(options.get("EMAIL_USE_SSL", False))
        self.timeout = float(options.get("TIMEOUT_SECONDS") or 10)
        self.from_email = options.get("EMAIL_FROM") or "thongbao@motcua.localhost"
        self.domain = self.from_email.rsplit("@", 1)[-1].rstrip(">") or "motcua.localhost"

    def send(self, message: Outgoing) -> str:
        # The Message-ID follows from the idempotency key: a resent message carries the same id.
        message_id = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:40]}@{self.domain}>"
        connection = get_connection(
            backend=self.backend,
            host=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            use_ssl=self.use_ssl,
            timeout=self.timeout,
            fail_silently=False,
        )
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=self.from_email,
            to=[message.address],
            headers={"Message-ID": message_id, "Content-Language": message.language},
            connection=connection,
        )
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            text = "; ".join(f"{addr}: {code} {reply!r}" for addr, (code, reply) in exc.recipients.items())
            if codes and all(code >= 500 for code in codes):
                raise PermanentError(f"SMTP refused the recipient: {text}") from exc
            raise TransientError(f"SMTP refused the recipient for now: {text}") from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPSenderRefused):
                raise PermanentError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise TransientError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"SMTP: {type(exc).__name__}: {exc}") from exc
        return message_id


class SmsSender(Sender):
    """SMS through the gateway's HTTP API (refservices/sms speaks it): API key, idempotency key, a callback
    URL for the signed delivery receipt."""

    channel = "sms"

    def __init__(self, options: dict[str, Any]) -> None:
        self.url = options["SMS_URL"].rstrip("/")
        self.api_key = options.get("SMS_API_KEY", "")
        self.callback_url = options.get("SMS_CALLBACK_URL", "")
        self.timeout = float(options.get("TIMEOUT_SECONDS") or 10)
        self.session = requests.Session()

    def send(self, message: Outgoing) -> str:
        try:
            answer = self.session.post(
                f"{self.url}/api/v1/messages",
                json={"to": message.address, "text": message.body, "callback_url": self.callback_url},
                headers={"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": message.key},
                timeout=(min(self.timeout, 3.0), self.timeout),
            )
        except requests.RequestException as exc:
            raise TransientError(f"SMS gateway: {type(exc).__name__}: {exc}") from exc
        status = answer.status_code
        if status in (200, 201):
            try:
                return str(answer.json()["id"])
            except (ValueError, KeyError, TypeError) as exc:
                raise TransientError(
                    "SMS gateway: an answer without a message id", http_status=status
                ) from exc
        text = answer.text[:300]
        if status in (400, 422):
            raise PermanentError(f"SMS gateway refused the message: {status} {text}", http_status=status)
        # 401/403 (a key to fix), 429, 5xx: the message waits in the outbox until the gateway takes it.
        raise TransientError(f"SMS gateway: {status} {text}", http_status=status)

    def close(self) -> None:
        self.session.close()


def senders_from(options: dict[str, Any]) -> dict[str, Sender]:
    """The configured senders by channel: e-mail when a relay is named, SMS when a gateway is."""
    senders: dict[str, Sender] = {}
    if options.get("EMAIL_HOST"):
        senders["email"] = EmailSender(options)
    if options.get("SMS_URL"):
        senders["sms"] = SmsSender(options)
    return senders
