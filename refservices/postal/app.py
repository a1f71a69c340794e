"""The reference postal service as a Flask application (docs/refservices.md "Postal service").

The API motcua calls (``X-Api-Key``; ``Idempotency-Key`` on creation):

- ``POST /api/v1/shipments``: a shipment (pickup of a dossier from a citizen, or delivery of a result to
  them) → its waybill number (UPU S10 form, e.g. ``EH123456785VN``) and the fee from ``TARIFF``; the same
  idempotency key again answers the same shipment (``"duplicate": true``);
- ``GET /api/v1/shipments/<number>``: its status and history.

The test and demo controls (loopback): ``POST /_test/shipments/<number>/advance`` moves a shipment on
(picked_up, in_transit, delivered, returned, failed) and sends the signed status callback to the shipment's
``callback_url``; ``GET /_test/callbacks`` lists every callback made (exact body and headers, whether it was
posted and the answer), ``POST /_test/faults`` makes the API fail, ``POST /_test/reset`` forgets everything.

Callbacks are signed: ``X-Postal-Signature: sha256=<hex HMAC-SHA256 of the raw body with the callback
secret>``; the body carries ``event_id`` (unique per update) and ``sent_at`` (Unix seconds).
State lives in memory (one gunicorn worker, threads): a restart starts empty.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, redirect, request

DEFAULT_API_KEY = "motcua-hue-postal-demo-key"
DEFAULT_CALLBACK_SECRET = "motcua-hue-postal-demo-secret"

# The demo tariff (đồng, VAT included) by weight class, documents within the province: up to the grams of
# each class; above the last class, EXTRA_PER_500_G for each further 500 g or part of it.
TARIFF: tuple[tuple[int, int], ...] = (
    (100, 22_000),
    (250, 26_000),
    (500, 32_000),
    (1_000, 40_000),
    (2_000, 52_000),
)
EXTRA_PER_500_G = 8_000
DEFAULT_WEIGHT_GRAMS = 250
DIRECTIONS = ("pickup", "result")
# Where a shipment may go from each status (returned and failed end it; delivered ends it).
MOVES = {
    "requested": {"picked_up", "failed"},
    "picked_up": {"in_transit", "delivered", "returned", "failed"},
    "in_transit": {"delivered", "returned", "failed"},
}
FAULT_NAMES = ("fail_status", "fail_count")


def fee_for(weight_grams: int) -> int:
    for limit, price in TARIFF:
        if weight_grams <= limit:
            return price
    last_limit, last_price = TARIFF[-1]
    extra = -(-(weight_grams - last_limit) // 500)
    return last_price + extra * EXTRA_PER_500_G


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Config:
    api_key: str = DEFAULT_API_KEY
    callback_secret: str = DEFAULT_CALLBACK_SECRET
    callback_timeout: float = 5.0


class Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.shipments: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.callbacks: list[dict[str, Any]] = []
        self.faults: dict[str, float] = {}
        self.serials = itertools.count(secrets.randbelow(10_000_000) + 10_000_000)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    store = Store()
    app = Flask("refservices.postal")

    def refused(status: int, code: str, message: str) -> Any:
        return jsonify({"error": code, "message": message}), status

    def authorised() -> bool:
        given = request.headers.get("X-Api-Key", "")
        return hmac.compare_digest(given.encode(), config.api_key.encode())

    def fault() -> Any | None:
        with store.lock:
            left = int(store.faults.get("fail_count", 0))
            if left <= 0:
                return None
            store.faults["fail_count"] = left - 1
            status = int(store.faults.get("fail_status", 503))
        return refused(status, "unavailable", "Hệ thống bưu chính tạm thời gián đoạn.")

    @app.post("/api/v1/shipments")
    def create_shipment() -> Any:
        if not authorised():
            return refused(401, "unauthorised", "Sai khóa API.")
        failed = fault()
        if failed is not None:
            return failed
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 200:
            return refused(400, "idempotency_key", "Thiếu Idempotency-Key.")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return refused(400, "invalid", "Nội dung phải là một đối tượng JSON.")
        given = body.get("addressee")
        addressee: dict[str, Any] = given if isinstance(given, dict) else {}
        problems = [
            name
            for name, value in (
                ("direction", body.get("direction") if body.get("direction") in DIRECTIONS else ""),
                ("reference", body.get("reference")),
                ("addressee.name", addressee.get("name")),
                ("addressee.address", addressee.get("address")),
            )
            if not (isinstance(value, str) and value.strip())
        ]
        weight = body.get("weight_grams", DEFAULT_WEIGHT_GRAMS)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 < weight <= 30_000:
            problems.append("weight_grams")
        callback_url = body.get("callback_url") or ""
        if not isinstance(callback_url, str):
            problems.append("callback_url")
        if problems:
            return jsonify(
                {"error": "invalid", "message": "Thiếu hoặc sai thông tin.", "fields": problems}
            ), 422
        with store.lock:
            known = store.by_key.get(key)
            if known is not None:
                return jsonify({**_public(store.shipments[known]), "duplicate": True}), 200
            serial = f"{next(store.serials) % 100_000_000:08d}"
            number = f"EH{serial}{s10_check_digit(serial)}VN"
            shipment = {
                "tracking_number": number,
                "direction": body["direction"],
                "reference": body["reference"],
                "sender": body.get("sender") if isinstance(body.get("sender"), dict) else {},
                "addressee": {k: str(addressee.get(k) or "") for k in ("name", "address", "phone")},
                "weight_grams": weight,
                "fee": fee_for(weight),
                "status": "requested",
                "created_at": _now(),
                "callback_url": callback_url,
                "history": [{"status": "requested", "at": _now()}],
                "idempotency_key": key,
            }
            store.shipments[number] = shipment
            store.by_key[key] = number
        return jsonify({**_public(shipment), "duplicate": False}), 201

    @app.get("/api/v1/shipments/<number>")
    def get_shipment(number: str) -> Any:
        if not authorised():
            return refused(401, "unauthorised", "Sai khóa API.")
        shipment = store.shipments.get(number)
        if shipment is None:
            return refused(404, "unknown", "Không có bưu gửi này.")
        return jsonify({**_public(shipment), "history": shipment["history"]})

    def _advance(number: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Move a shipment on and send (or only record) its signed status callback."""
        status = str(body.get("status", ""))
        with store.lock:
            shipment = store.shipments.get(number)
            if shipment is None:
                return 404, {"error": "unknown", "message": "Không có bưu gửi này."}
            if status not in MOVES.get(shipment["status"], set()):
                return 409, {
                    "error": "illegal",
                    "message": f"Không chuyển được từ {shipment['status']} sang {status!r}.",
                }
            at = _now()
            shipment["status"] = status
            shipment["history"].append({"status": status, "at": at})
            event = {
                "event_id": str(uuid.uuid4()),
                "tracking_number": number,
                "reference": shipment["reference"],
                "status": status,
                "at": at,
                "sent_at": int(time.time()),
                "note": str(body.get("note", "")),
                "handed_over_by": str(body.get("handed_over_by", "")),
                "handed_over_to": str(body.get("handed_over_to", "")),
                "receipt_reference": str(body.get("receipt_reference", "")),
            }
            callback_url = shipment["callback_url"]
        raw = json.dumps(event, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Postal-Signature": sign(raw, config.callback_secret),
        }
        record: dict[str, Any] = {
            "url": callback_url,
            "body": raw.decode(),
            "headers": headers,
            "posted": False,
            "answer_status": None,
        }
        if callback_url and body.get("deliver", True):
            record["posted"] = True
            try:
                call = urllib.request.Request(callback_url, data=raw, headers=headers, method="POST")
                with urllib.request.urlopen(call, timeout=config.callback_timeout) as answer:
                    record["answer_status"] = answer.status
            except urllib.error.HTTPError as error:
                record["answer_status"] = error.code
            except OSError as error:
                record["error"] = str(error)
        with store.lock:
            store.callbacks.append(record)
        return 200, {"shipment": _public(shipment), "callback": record}

    @app.post("/_test/shipments/<number>/advance")
    def advance(number: str) -> Any:
        body = request.get_json(silent=True)
        status, answer = _advance(number, body if isinstance(body, dict) else {})
        return jsonify(answer), status

    @app.get("/_test/callbacks")
    def callbacks() -> Any:
        with store.lock:
            return jsonify({"data": list(store.callbacks)})

    @app.route("/_test/faults", methods=["GET", "POST", "DELETE"])
    def faults() -> Any:
        if request.method == "DELETE":
            with store.lock:
                store.faults = {}
        elif request.method == "POST":
            body = request.get_json(silent=True) or {}
            if not isinstance(body, dict) or set(body) - set(FAULT_NAMES):
                return refused(400, "invalid", f"Fault switches: {', '.join(FAULT_NAMES)}.")
            with store.lock:
                store.faults = {k: float(v) for k, v in body.items()}
        return jsonify({"faults": store.faults})

    @app.post("/_test/reset")
    def reset() -> Any:
        with store.lock:
            store.reset()
        return jsonify({"ok": True})

    @app.get("/")
    def index() -> Any:
        """The demo's page: every shipment with buttons that move it on (and send the signed callback)."""
        with store.lock:
            rows = [_public(s) for s in store.shipments.values()]
        items = []
        for row in reversed(rows):
            buttons = "".join(
                f'<button name="status" value="{html.escape(status)}">{html.escape(status)}</button>'
                for status in sorted(MOVES.get(row["status"], set()))
            )
            items.append(
                f"<tr><td>{html.escape(row['tracking_number'])}</td><td>{html.escape(row['reference'])}</td>"
                f"<td>{html.escape(row['direction'])}</td><td>{html.escape(row['addressee']['name'])}, "
                f"{html.escape(row['addressee']['address'])}</td><td>{row['fee']:,} đ</td>"
                f"<td>{html.escape(row['status'])}</td><td><form method='post' "
                f"action='/shipments/{html.escape(row['tracking_number'])}/advance'>"
                f"<input name='handed_over_by' value='Nhân viên bưu điện' size='14'> "
                f"<input name='handed_over_to' value='{html.escape(row['addressee']['name'])}' size='14'> "
                f"{buttons}</form></td></tr>"
            )
        page = (
            "<!doctype html><html lang='vi'><meta charset='utf-8'>"
            "<title>Bưu chính công ích (tham chiếu)</title>"
            "<h1>Bưu chính công ích – dịch vụ tham chiếu của motcua</h1>"
            "<table border='1' cellpadding='4'><tr><th>Số hiệu</th><th>Mã hồ sơ</th><th>Chiều</th>"
            "<th>Người nhận</th><th>Cước</th><th>Trạng thái</th><th>Chuyển trạng thái</th></tr>"
            + "".join(items)
            + "</table></html>"
        )
        return Response(page, mimetype="text/html")

    @app.post("/shipments/<number>/advance")
    def advance_from_page(number: str) -> Any:
        """The page's buttons: the same move as the test control, then back to the page."""
        facts = {k: request.form.get(k, "") for k in ("status", "handed_over_by", "handed_over_to")}
        _advance(number, facts)
        return redirect("/")

    return app


def _public(shipment: dict[str, Any]) -> dict[str, Any]:
    return {
        k: shipment[k]
        for k in (
            "tracking_number",
            "direction",
            "reference",
            "addressee",
            "weight_grams",
            "fee",
            "status",
            "created_at",
        )
    }
