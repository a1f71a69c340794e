"""A tiny real HTTP receiver on 127.0.0.1 (a thread) and an adapter that POSTs batches to it: enough to
drive the delivery machinery end to end without any real destination.

Protocol: ``POST /deliver`` ``{"items": [{"id": 1, "key": "..."}]}`` → ``{"results": [{"key", "status"}]}``
with status ``ok``, ``duplicate`` (key seen before) or ``invalid`` (key in ``reject_keys``). Switches:
``fail_status`` answers the whole call with that HTTP status ``fail_count`` times (-1: until cleared).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from motcua.outbox.adapters import Adapter, Outcome, Result


class Receiver:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[str] = []  # every key, in arrival order (duplicates included)
        self.effects: list[str] = []  # keys recorded once
        self.workers: list[str] = []
        self.reject_keys: set[str] = set()
        self.fail_status = 0
        self.fail_count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = receiver.handle(body, self.headers.get("X-Worker", ""))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/deliver"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, body: dict, worker: str) -> tuple[int, dict]:
        with self.lock:
            if self.fail_count:
                self.fail_count -= 1 if self.fail_count > 0 else 0
                return self.fail_status, {"error": "unavailable"}
            self.workers.append(worker)
            results = []
            for item in body["items"]:
                key = item["key"]
                self.received.append(key)
                if key in self.reject_keys:
                    results.append({"key": key, "status": "invalid"})
                elif key in self.effects:
                    results.append({"key": key, "status": "duplicate"})
                else:
                    self.effects.append(key)
                    results.append({"key": key, "status": "ok"})
            return 200, {"results": results}

    def fail(self, status: int, count: int = -1) -> None:
        with self.lock:
            self.fail_status, self.fail_count = status, count

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class ReceiverAdapter(Adapter):
    """POSTs a batch to the test receiver; OPTIONS: ``url``, optional ``ordered``."""

    def __init__(self, destination: str, options: dict[str, Any]) -> None:
        super().__init__(destination, options)
        self.ordered = bool(options.get("ordered", True))
        self.session = requests.Session()
        self.calls = 0

    def deliver(self, messages: Sequence[Any], *, worker: str) -> list[Result]:
        self.calls += 1
        items = [{"id": m.id, "key": m.key} for m in messages]
        response = self.session.post(
            self.options["url"], json={"items": items}, headers={"X-Worker": worker}, timeout=5
        )
        if response.status_code >= 500:
            return [
                Result(m.id, Outcome.RETRY, f"HTTP {response.status_code}", response.status_code)
                for m in messages
            ]
        if response.status_code >= 400:
            return [
                Result(m.id, Outcome.REJECTED, f"HTTP {response.status_code}", response.status_code)
                for m in messages
            ]
        by_key = {r["key"]: r["status"] for r in response.json()["results"]}
        outcome = {"ok": Outcome.DELIVERED, "duplicate": Outcome.DUPLICATE, "invalid": Outcome.REJECTED}
        return [
            Result(m.id, outcome[by_key[m.key]], "" if by_key[m.key] != "invalid" else "invalid content", 200)
            for m in messages
        ]

    def close(self) -> None:
        self.session.close()
