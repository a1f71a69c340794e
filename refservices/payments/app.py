"""The reference payment gateway as a Flask application: what a payment platform (the national portal's, a
provincial gateway) offers motcua, and the bank transfer a citizen makes, simulated.

API (docs/refservices.md "Payment gateway"):

- ``POST /api/orders`` (header ``X-Api-Key``; ``Idempotency-Key`` optional): ``{"reference", "amount",
  "description", "dossier_code", ...}`` → 201 ``{"order_id", "reference", "status": "open"}``; the same
  idempotency key again → 200 with the same order; 401 ``unauthorized``; 400 ``bad_order``.
- ``GET /api/orders/<reference>`` (``X-Api-Key``) → the order and the transfers made for it.
- ``POST /_control/pay`` (header ``X-Control-Secret``): ``{"amount", "content", "payer_name",
  "order_reference" (optional), "deliver": true}`` makes a bank transfer: the gateway signs a callback
  (HMAC-SHA256 over ``<timestamp>.<raw body>``, headers ``X-Payment-Signature: sha256=<hex>``,
  ``X-Payment-Timestamp``, ``X-Payment-Event-Id``) and POSTs it to the callback URL when ``deliver`` and a URL
  is set. Answers the event, the callback as sent (body text and headers) and the receiver's status.
- ``GET /_control/callbacks``: every callback made, oldest first; ``DELETE /_control/state`` forgets all.
- ``GET /thanh-toan/<reference>``: a page to "pay" an order by transfer (the demo); ``POST`` it to pay.
- ``GET /healthz``.

State lives in the process: run one worker (threads).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from markupsafe import escape

DEFAULT_API_KEY = "motcua-hue-payments-demo-key"
DEFAULT_CALLBACK_SECRET = "motcua-hue-payments-callback-secret"
DEFAULT_CONTROL_SECRET = "payments-control-demo-secret"


@dataclass(frozen=True)
class Config:
    api_key: str = DEFAULT_API_KEY
    callback_secret: str = DEFAULT_CALLBACK_SECRET
    control_secret: str = DEFAULT_CONTROL_SECRET
    callback_url: str = ""


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.orders: dict[str, dict[str, Any]] = {}  # reference -> order
        self.by_key: dict[str, str] = {}  # idempotency key -> reference
        self.callbacks: list[dict[str, Any]] = []


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    state = State()

    def api_allowed() -> bool:
        return hmac.compare_digest(request.headers.get("X-Api-Key", "").encode(), config.api_key.encode())

    def control_allowed() -> bool:
        given = request.headers.get("X-Control-Secret", "").encode()
        return hmac.compare_digest(given, config.control_secret.encode())

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.post("/api/orders")
    def create_order() -> tuple[Response, int]:
        if not api_allowed():
            return jsonify(error="unauthorized"), 401
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not str(data.get("reference") or ""):
            return jsonify(error="bad_order", message="reference required"), 400
        try:
            amount = int(data.get("amount") or "")
        except (TypeError, ValueError):
            return jsonify(error="bad_order", message="amount must be a whole number"), 400
        if amount <= 0:
            return jsonify(error="bad_order", message="amount must be positive"), 400
        key = request.headers.get("Idempotency-Key", "")
        reference = str(data["reference"])
        with state.lock:
            if key and key in state.by_key:
                return jsonify(state.orders[state.by_key[key]]), 200
            if reference in state.orders:
                return jsonify(state.orders[reference]), 409
            order = {
                "order_id": uuid.uuid4().hex,
                "reference": reference,
                "amount": amount,
                "description": str(data.get("description") or "")[:140],
                "dossier_code": str(data.get("dossier_code") or ""),
                "account_number": str(data.get("account_number") or ""),
                "status": "open",
                "paid": 0,
            }
            state.orders[reference] = order
            if key:
                state.by_key[key] = reference
        return jsonify(order), 201

    @app.get("/api/orders/<reference>")
    def get_order(reference: str) -> tuple[Response, int]:
        if not api_allowed():
            return jsonify(error="unauthorized"), 401
        with state.lock:
            order = state.orders.get(reference)
        if order is None:
            return jsonify(error="not_found"), 404
        return jsonify(order), 200

    def pay(data: dict[str, Any]) -> dict[str, Any]:
        """One bank transfer: the signed callback, sent when asked and a URL is configured."""
        amount = int(data["amount"])
        reference = str(data.get("order_reference") or "")
        event = {
            "event_id": str(data.get("event_id") or f"evt_{uuid.uuid4().hex}"),
            "type": "transfer.succeeded",
            "transaction_id": f"FT{int(time.time() * 1000)}{uuid.uuid4().hex[:6].upper()}",
            "amount": amount,
            "currency": "VND",
            "content": str(data.get("content") or ""),
            "payer_name": str(data.get("payer_name") or "NGUYEN VAN A"),
            "payer_account": str(data.get("payer_account") or "0123456789"),
            "at": datetime.now(UTC).isoformat(),
        }
        if reference:
            event["order_reference"] = reference
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = int(data.get("timestamp") or time.time())
        headers: dict[str, str] = {
            "Content-Type": "application/json",
            "X-Payment-Event-Id": str(event["event_id"]),
            "X-Payment-Timestamp": str(timestamp),
            "X-Payment-Signature": sign(body, secret=config.callback_secret, timestamp=timestamp),
        }
        with state.lock:
            order = state.orders.get(reference)
            if order is not None:
                order["paid"] += amount
                order["status"] = "paid" if order["paid"] >= order["amount"] else "partly_paid"
        sent: dict[str, Any] = {"event": event, "body": body.decode(), "headers": headers, "status": None}
        if data.get("deliver", True) and config.callback_url:
            call = urllib.request.Request(config.callback_url, data=body, method="POST", headers=headers)
            try:
                with urllib.request.urlopen(call, timeout=10) as answer:
                    sent["status"] = answer.status
            except urllib.error.HTTPError as error:
                sent["status"] = error.code
            except OSError as error:
                sent["status"] = 0
                sent["error"] = str(error)
        with state.lock:
            state.callbacks.append(sent)
        return sent

    @app.post("/_control/pay")
    def control_pay() -> tuple[Response, int]:
        if not control_allowed():
            return jsonify(error="unauthorized"), 401
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(error="bad_request"), 400
        try:
            return jsonify(pay(data)), 200
        except (KeyError, TypeError, ValueError) as error:
            return jsonify(error="bad_request", message=str(error)), 400

    @app.get("/_control/callbacks")
    def control_callbacks() -> tuple[Response, int]:
        if not control_allowed():
            return jsonify(error="unauthorized"), 401
        with state.lock:
            return jsonify(data=list(state.callbacks)), 200

    @app.delete("/_control/state")
    def control_clear() -> tuple[Response, int]:
        if not control_allowed():
            return jsonify(error="unauthorized"), 401
        with state.lock:
            state.clear()
        return jsonify(status="ok"), 200

    @app.route("/thanh-toan/<reference>", methods=["GET", "POST"])
    def pay_page(reference: str) -> Response:
        """The demo's bank app: pay an order by transfer with its reference as the content."""
        with state.lock:
            order = dict(state.orders.get(reference) or {})
        if not order:
            return Response("Không có lệnh thanh toán này.", status=404, mimetype="text/plain")
        message = ""
        if request.method == "POST":
            try:
                amount = int(request.form.get("amount", "0"))
            except ValueError:
                amount = 0
            if amount > 0:
                sent = pay({"amount": amount, "content": request.form.get("content", reference)})
                message = f"<p role='status'>Đã chuyển {amount} đ; báo cho motcua: HTTP {sent['status']}</p>"
        page = (
            "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Ngân hàng mô phỏng</title>"
            f"<h1>Chuyển khoản {escape(reference)}</h1>{message}"
            f"<p>Số tiền phải nộp: {order['amount']} đ; đã chuyển: {order['paid']} đ.</p>"
            "<form method='post'>"
            f"<label>Số tiền <input name='amount' value='{order['amount']}'></label> "
            f"<label>Nội dung <input name='content' value='{escape(reference)}'></label> "
            "<button>Chuyển khoản</button></form></html>"
        )
        return Response(page, mimetype="text/html")

    return app
