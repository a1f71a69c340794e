"""The SMS gateway stand-in (aiohttp).

- ``POST /api/v1/messages`` with ``Authorization: Bearer <api key>``, ``Idempotency-Key: <key>`` and
  ``{"to": "0905…", "text": "…", "callback_url": "https://…"}``: 201 ``{"id": …, "status": "accepted"}``;
  the same idempotency key again answers 200 with the first message's id (``"duplicate": true``) and sends
  nothing. 401 without the key, 422 ``{"error": "invalid_number"}`` for a number that is not a Vietnamese
  mobile number (or one the tests told it to reject), 503 while the tests make it fail.
- Shortly after, a delivery receipt ``{"event_id", "message_id", "status": "delivered"|"failed", "to", "at",
  "timestamp"}`` is POSTed to ``callback_url``, signed: ``X-Motcua-Signature: sha256=<hex>``, the
  HMAC-SHA256 of the raw body with the callback secret (the body carries its own ``timestamp``).
- Read API and test controls: ``GET /_control/messages[?to=]``, ``DELETE /_control/messages``,
  ``GET /_control/receipts`` (each receipt as sent: url, body, signature, the answer), ``POST
  /_control/faults`` ``{"fail": bool, "reject": [numbers], "undeliverable": [numbers]}``; ``GET /healthz``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

DEFAULT_API_KEY = "motcua-sms-demo-key"
DEFAULT_CALLBACK_SECRET = "motcua-sms-callback-demo-secret"
SIGNATURE_HEADER = "X-Motcua-Signature"
# Vietnamese mobile numbers: 0 or +84 / 84, then 9 digits starting 3, 5, 7, 8 or 9 (Circular 22/2014/TT-BTTTT
# numbering plan as amended in 2018).
MOBILE = re.compile(r"^(?:\+?84|0)[35789]\d{8}$")


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def normalize(number: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", number or "")
    return (
        "0" + digits[3:]
        if digits.startswith("+84")
        else "0" + digits[2:]
        if digits.startswith("84")
        else digits
    )


@dataclass
class Gateway:
    api_key: str
    callback_secret: str
    receipt_delay: float = 0.05
    messages: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail: bool = False
    reject: set[str] = field(default_factory=set)
    undeliverable: set[str] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def send_receipt(self, message: dict[str, Any]) -> None:
        await asyncio.sleep(self.receipt_delay)
        status = "failed" if message["to"] in self.undeliverable else "delivered"
        payload = {
            "event_id": uuid.uuid4().hex,
            "message_id": message["id"],
            "status": status,
            "to": message["to"],
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "timestamp": int(time.time()),
        }
        body = json.dumps(payload).encode()
        signature = sign(body, self.callback_secret)
        message["status"] = status
        record: dict[str, Any] = {
            "message_id": message["id"],
            "url": message["callback_url"],
            "body": body.decode(),
            "signature": signature,
            "answer_status": None,
            "error": "",
        }
        self.receipts.append(record)
        if not message["callback_url"]:
            return
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client,
                client.post(
                    message["callback_url"],
                    data=body,
                    headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
                ) as answer,
            ):
                record["answer_status"] = answer.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"


def create_app(
    *,
    api_key: str = DEFAULT_API_KEY,
    callback_secret: str = DEFAULT_CALLBACK_SECRET,
    receipt_delay: float = 0.05,
) -> web.Application:
    gateway = Gateway(api_key=api_key, callback_secret=callback_secret, receipt_delay=receipt_delay)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "messages": len(gateway.messages)})

    async def send(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), gateway.api_key.encode()):
            return web.json_response({"error": "unauthorized"}, status=401)
        if gateway.fail:
            return web.json_response({"error": "service_unavailable"}, status=503)
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"error": "bad_request"}, status=400)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
            return web.json_response({"error": "bad_request"}, status=400)
        key = request.headers.get("Idempotency-Key", "")
        if key and key in gateway.by_key:
            first = gateway.by_key[key]
            return web.json_response({"id": first["id"], "status": first["status"], "duplicate": True})
        number = normalize(str(body.get("to", "")))
        if not MOBILE.match(number) or number in gateway.reject:
            return web.json_response({"error": "invalid_number", "to": body.get("to")}, status=422)
        message = {
            "id": f"sms-{uuid.uuid4().hex[:16]}",
            "to": number,
            "text": body["text"],
            "callback_url": str(body.get("callback_url") or ""),
            "idempotency_key": key,
            "status": "accepted",
            "received_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        gateway.messages.append(message)
        if key:
            gateway.by_key[key] = message
        task = asyncio.get_running_loop().create_task(gateway.send_receipt(message))
        gateway.tasks.add(task)
        task.add_done_callback(gateway.tasks.discard)
        return web.json_response({"id": message["id"], "status": "accepted"}, status=201)

    async def list_messages(request: web.Request) -> web.Response:
        wanted = normalize(request.query.get("to", ""))
        return web.json_response([m for m in gateway.messages if not wanted or m["to"] == wanted])

    async def clear(request: web.Request) -> web.Response:
        gateway.messages.clear()
        gateway.receipts.clear()
        gateway.by_key.clear()
        return web.json_response({"cleared": True})

    async def receipts(request: web.Request) -> web.Response:
        return web.json_response(gateway.receipts)

    async def faults(request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        gateway.fail = bool(body.get("fail", False))
        gateway.reject = {normalize(str(n)) for n in body.get("reject", [])}
        gateway.undeliverable = {normalize(str(n)) for n in body.get("undeliverable", [])}
        return web.json_response({"fail": gateway.fail, "reject": sorted(gateway.reject)})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/v1/messages", send)
    app.router.add_get("/_control/messages", list_messages)
    app.router.add_delete("/_control/messages", clear)
    app.router.add_get("/_control/receipts", receipts)
    app.router.add_post("/_control/faults", faults)
    return app
