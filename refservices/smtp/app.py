"""The SMTP stand-in: aiosmtpd receives mail on one loopback port, aiohttp serves what it received on another.

HTTP read API (JSON):
- ``GET /messages[?to=address]``: every message received (oldest first), or those addressed to ``to``;
- ``DELETE /messages``: forget them all;
- ``POST /_control/faults`` ``{"reject": ["a@b.vn", ...], "fail": false}``: refuse those recipients with a
  permanent 550 (an address that does not exist), or refuse every recipient with a transient 451 (a relay in
  trouble); ``{}`` clears the faults;
- ``GET /healthz``.
"""

from __future__ import annotations

import datetime as dt
import email
import itertools
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

REJECTED_DOMAIN = ".invalid"  # RFC 2606: never a real mailbox, refused with 550 like a missing one


@dataclass
class Mailbox:
    """What the server received, and the faults the tests switched on."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    fail: bool = False
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, envelope: Envelope) -> dict[str, Any]:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        parsed = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        body = parsed.get_body(preferencelist=("plain", "html"))
        with self._lock:
            record = {
                "id": next(self._ids),
                "mail_from": envelope.mail_from,
                "recipients": list(envelope.rcpt_tos),
                "from": _header(parsed, "From"),
                "to": _header(parsed, "To"),
                "subject": _header(parsed, "Subject"),
                "message_id": _header(parsed, "Message-ID"),
                "content_language": _header(parsed, "Content-Language"),
                "body": body.get_content() if body is not None else "",
                "received_at": dt.datetime.now(dt.UTC).isoformat(),
            }
            self.messages.append(record)
        return record

    def find(self, to: str = "") -> list[dict[str, Any]]:
        with self._lock:
            wanted = to.strip().lower()
            return [m for m in self.messages if not wanted or wanted in (r.lower() for r in m["recipients"])]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value, unfolded."""
    return " ".join(str(message.get(name, "")).split())


class Handler:
    """aiosmtpd handler: checks each recipient against the faults and stores the accepted messages."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.mailbox.fail:
            return "451 4.3.0 Mail system temporarily unavailable"
        if address.lower() in self.mailbox.reject or address.lower().endswith(REJECTED_DOMAIN):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        record = self.mailbox.add(envelope)
        return f"250 Message accepted for delivery (id {record['id']})"


def create_http_app(mailbox: Mailbox) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "messages": len(mailbox.messages)})

    async def list_messages(request: web.Request) -> web.Response:
        return web.json_response(mailbox.find(request.query.get("to", "")))

    async def clear_messages(request: web.Request) -> web.Response:
        mailbox.clear()
        return web.json_response({"cleared": True})

    async def faults(request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        mailbox.reject = {str(a).lower() for a in body.get("reject", [])}
        mailbox.fail = bool(body.get("fail", False))
        return web.json_response({"reject": sorted(mailbox.reject), "fail": mailbox.fail})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/messages", list_messages)
    app.router.add_delete("/messages", clear_messages)
    app.router.add_post("/_control/faults", faults)
    return app
