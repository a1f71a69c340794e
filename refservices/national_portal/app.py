"""The reference national public service portal as a Flask application: the API motcua calls,
the test controls (fault switches, receipts, effects) and the citizen pages."""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, jsonify, request

from . import catalog, protocol, submissions
from .protocol import Invalid
from .store import FAULT_NAMES, Store

DEFAULT_USERNAME = "motcua-hue"
DEFAULT_PASSWORD = "motcua-hue-demo-secret"
DEFAULT_PROVINCE = "46"
MAX_INTAKE_BATCH = 500


@dataclass(frozen=True)
class Config:
    state_dir: Path
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD
    province: str = DEFAULT_PROVINCE
    session_ttl: float = 900
    # Per uploaded file on the citizen pages; a request may carry several files.
    max_file_bytes: int = 10 * 1024 * 1024
    max_request_bytes: int = 64 * 1024 * 1024


def answer(code: str, message: str, http_status: int = 200, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error_code": code, "message": message, **extra}), http_status


def invalid_answer(error: Invalid) -> tuple[Response, int]:
    http_status = {protocol.INVALID: 400, protocol.ILLEGAL: 409, protocol.UNKNOWN: 404}.get(error.code, 400)
    extra = {"field": error.field} if error.field else {}
    return answer(error.code, error.message, http_status, **extra)


def drop_connection() -> None:
    """Close the client's socket without an answer (the request's effect is already committed)."""
    sock = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        raise Invalid(protocol.INVALID, "Nội dung yêu cầu phải là một đối tượng JSON (UTF-8).", "body")
    return body


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    store = Store(config.state_dir / "national-portal.sqlite3")
    app.extensions["national_portal"] = (config, store)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'"
        return response

    @app.before_request
    def simulated_faults() -> Any:
        """The fault switches, for every API call: wait, then maybe fail without doing anything."""
        if not request.path.startswith("/api/"):
            return None
        delay = store.faults().get("delay_seconds", 0)
        if delay > 0:
            time.sleep(delay)
        status = store.take_failure()
        if status:
            return answer(protocol.SERVER_ERROR, "Lỗi hệ thống (giả lập bằng công tắc lỗi).", status)
        return None

    def authenticated() -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and bool(token) and store.session_valid(token.strip())

    def no_session() -> tuple[Response, int]:
        return answer(protocol.NO_SESSION, "Phiên làm việc không có hoặc đã hết hạn, hãy đăng nhập lại.", 401)

    @app.post("/api/dang-nhap")
    def login() -> Any:
        body = request.get_json(silent=True, force=True)
        body = body if isinstance(body, dict) else {}
        username = body.get("username")
        password = body.get("password")
        if not (
            isinstance(username, str)
            and isinstance(password, str)
            and secrets.compare_digest(username.encode(), config.username.encode())
            and secrets.compare_digest(password.encode(), config.password.encode())
        ):
            return answer(protocol.BAD_CREDENTIALS, "Tên đăng nhập hoặc mật khẩu không đúng.", 401)
        token = secrets.token_urlsafe(32)
        store.save_session(token, username, config.session_ttl)
        return answer(protocol.OK, "Đăng nhập thành công", session=token, expires_in=int(config.session_ttl))

    @app.post("/api/<service>")
    def call_service(service: str) -> Any:
        if not authenticated():
            return no_session()
        handler = readers.get(service)
        if handler is None and service not in protocol.BATCH_SERVICES:
            return answer(protocol.UNKNOWN_SERVICE, f"Không có dịch vụ {service}.", 404)
        try:
            body = _json_body()
            return handler(body) if handler is not None else batch(service, body)
        except Invalid as error:
            return invalid_answer(error)

    def batch(service: str, body: dict[str, Any]) -> Any:
        items = protocol.data_items(body)
        if service == "DongBoHoSoMC" and not isinstance(body.get("isUpdating", False), bool):
            raise Invalid(protocol.INVALID, "Trường isUpdating phải là true hoặc false.", "isUpdating")
        worker = request.headers.get("X-Motcua-Worker", "")
        with store.write() as db:
            results = protocol.run_batch(db, service, items, worker=worker)
        # Committed: the switches below simulate a receiver whose answer is late or never arrives.
        delay = store.faults().get("after_commit_delay_seconds", 0)
        if delay > 0:
            time.sleep(delay)
        if store.take_drop():
            drop_connection()
            return Response(b"", status=500)
        return answer(protocol.OK, "Thành công", results=results)

    def lookup(body: dict[str, Any]) -> Any:
        code = body.get("MaHoSo")
        if not isinstance(code, str) or not code:
            raise Invalid(protocol.INVALID, "Thiếu trường bắt buộc MaHoSo.", "MaHoSo")
        with store.read() as db:
            data = protocol.lookup_dossier(db, code)
        return answer(protocol.OK, "Thành công", data=data)

    def procedure(body: dict[str, Any]) -> Any:
        code = body.get("MaTTHC")
        if not isinstance(code, str) or not code:
            raise Invalid(protocol.INVALID, "Thiếu trường bắt buộc MaTTHC.", "MaTTHC")
        record = catalog.national_record(code)
        if record is None:
            raise Invalid(protocol.UNKNOWN, f"Không có thủ tục hành chính mã {code}.", "MaTTHC")
        return answer(protocol.OK, "Thành công", data=record)

    def new_submissions(body: dict[str, Any]) -> Any:
        province = body.get("MaTinh")
        if not isinstance(province, str) or len(province) != 2 or not province.isdigit():
            raise Invalid(protocol.INVALID, "Trường MaTinh phải là mã tỉnh gồm 2 chữ số.", "MaTinh")
        limit = body.get("SoLuong", 50)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_INTAKE_BATCH:
            raise Invalid(
                protocol.INVALID, f"Trường SoLuong phải là số nguyên từ 1 đến {MAX_INTAKE_BATCH}.", "SoLuong"
            )
        with store.read() as db:
            data = submissions.pending(db, province=province, limit=limit, base_url=request.host_url)
        return answer(protocol.OK, "Thành công", data=data)

    readers = {"TraCuuHoSo": lookup, "LayThuTuc": procedure, "LayHoSoMoi": new_submissions}

    @app.get("/api/tep/<file_id>")
    def download(file_id: str) -> Any:
        if not authenticated():
            return no_session()
        with store.read() as db:
            row = submissions.file_content(db, file_id)
        if row is None:
            return answer(protocol.UNKNOWN, f"Không có tệp {file_id}.", 404)
        response = Response(bytes(row["data"]), mimetype=row["content_type"] or "application/octet-stream")
        response.headers["Content-Disposition"] = "attachment"
        return response

    # Test controls: loopback only, no authentication ---------------------------------------

    @app.before_request
    def loopback_only() -> None:
        if request.path.startswith("/_test/") and not _is_loopback(request.remote_addr):
            abort(403)

    @app.route("/_test/faults", methods=["GET", "POST", "DELETE"])
    def faults() -> Any:
        if request.method == "DELETE":
            store.set_faults({})
        elif request.method == "POST":
            body = request.get_json(silent=True, force=True)
            if not isinstance(body, dict):
                return answer(protocol.INVALID, "Body must be a JSON object.", 400)
            unknown = sorted(set(body) - set(FAULT_NAMES))
            if unknown:
                return answer(protocol.INVALID, f"Unknown fault switches: {', '.join(unknown)}.", 400)
            switches: dict[str, float] = {}
            for name, value in body.items():
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, int | float):
                    return answer(protocol.INVALID, f"{name} must be a number.", 400, field=name)
                switches[name] = float(value)
            store.set_faults(switches)
        return answer(protocol.OK, "ok", faults=store.faults())

    @app.get("/_test/received")
    def received() -> Any:
        return answer(protocol.OK, "ok", data=store.receipts())

    @app.get("/_test/effects")
    def effects() -> Any:
        return answer(protocol.OK, "ok", data=store.effects())

    @app.post("/_test/reset")
    def reset() -> Any:
        store.reset()
        return answer(protocol.OK, "ok")

    @app.post("/_test/submissions")
    def create_submission() -> Any:
        """A submission by JSON; files as ``{"TenTepDinhKem", "MaThanhPhanHoSo", "NoiDung": base64}``."""
        body = request.get_json(silent=True, force=True)
        if not isinstance(body, dict):
            return answer(protocol.INVALID, "Body must be a JSON object.", 400)
        for name in ("MaTTHC", "ChuHoSo"):
            if not isinstance(body.get(name), str) or not body[name]:
                return answer(protocol.INVALID, f"Thiếu trường bắt buộc {name}.", 400, field=name)
        files = body.get("TaiLieuNop") or []
        if not isinstance(files, list):
            return answer(protocol.INVALID, "TaiLieuNop phải là danh sách.", 400, field="TaiLieuNop")
        uploads = []
        for index, item in enumerate(files):
            try:
                data = base64.b64decode(item.get("NoiDung", ""), validate=True)
            except (AttributeError, binascii.Error, TypeError):
                field = f"TaiLieuNop[{index}].NoiDung"
                return answer(protocol.INVALID, f"{field} phải là base64.", 400, field=field)
            uploads.append(
                submissions.UploadedFile(
                    name=str(item.get("TenTepDinhKem") or f"tep-{index + 1}"),
                    component=str(item.get("MaThanhPhanHoSo") or ""),
                    content_type=str(item.get("LoaiNoiDung") or "application/octet-stream"),
                    data=data,
                    declared_size=item.get("KichThuoc"),
                    declared_sha256=str(item.get("MaBam") or ""),
                )
            )
        province = str(body.get("MaTinh") or config.province)
        with store.write() as db:
            code = submissions.create_submission(db, province=province, fields=body, files=uploads)
        return answer(protocol.OK, "ok", MaHoSoQuocGia=code)

    from .pages import register_pages

    register_pages(app, config, store)
    return app
