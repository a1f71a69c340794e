"""Pull new submissions from the national public service portal (LayHoSoMoi) into the dossier engine.

motcua starts every connection; nothing of motcua is exposed to the portal (docs/integrations.md explains
the choice). Run by the delivery worker's periodic job ``national_portal.intake`` (under a lease, so one
worker at a time) and by ``motcua national_portal intake``.

For each listed submission: skip it when a dossier already carries its code or a refusal already waits for
delivery (the portal lists a submission until our answer reaches it); otherwise fetch its files with the
session (at most ``MOTCUA_MAX_UPLOAD_MB`` each) and hand everything to
``dossiers.services.receive_from_national_portal``, which receives it or refuses it with a reason. A file
that cannot be fetched for a transient reason leaves the submission for the next pull.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from motcua.core.errors import DomainError
from motcua.dossiers import files
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.services.intake import rejection_key
from motcua.integrations.national_portal.client import (
    NationalPortalClient,
    PortalError,
    TransportError,
    parse_time,
)
from motcua.outbox.models import OutboxMessage, Topic

logger = logging.getLogger(__name__)


@dataclass
class PullReport:
    listed: int = 0
    received: list[str] = field(default_factory=list)  # our dossier codes
    refused: list[str] = field(default_factory=list)  # national codes
    skipped: list[str] = field(default_factory=list)  # national codes already handled or waiting
    deferred: list[str] = field(default_factory=list)  # national codes left for the next pull

    def __str__(self) -> str:
        return (
            f"listed {self.listed}, received {len(self.received)}, refused {len(self.refused)}, "
            f"already handled {len(self.skipped)}, left for later {len(self.deferred)}"
        )


def pull(*, client: NationalPortalClient, province: str, limit: int = 50) -> PullReport:
    """One pull of at most ``limit`` submissions; transport failures of the listing propagate."""
    answer = client.call("LayHoSoMoi", {"MaTinh": province, "SoLuong": int(limit)})
    items = answer.get("data") or []
    report = PullReport(listed=len(items) if isinstance(items, list) else 0)
    if not isinstance(items, list):
        return report
    codes = [str(item.get("MaHoSoQuocGia") or "") for item in items if isinstance(item, dict)]
    known = dossier_selectors.national_codes_known(codes)
    waiting = set(
        OutboxMessage.objects.filter(
            topic=Topic.NATIONAL_INTAKE, key__in=[rejection_key(code) for code in codes]
        ).values_list("aggregate_id", flat=True)
    )
    for item in items:
        if not isinstance(item, dict):
            continue
        code = str(item.get("MaHoSoQuocGia") or "").strip()
        if not code or code in known or code in waiting:
            report.skipped.append(code)
            continue
        try:
            submission = _submission(client, item)
        except TransportError as error:
            logger.warning("national portal submission %s: files not fetched (%s); next pull", code, error)
            report.deferred.append(code)
            continue
        try:
            outcome = dossier_services.receive_from_national_portal(submission_data=submission)
        except DomainError as error:  # a code this system cannot even key a refusal on
            logger.warning("national portal submission %r not taken: %s", code, error.code)
            report.deferred.append(code)
            continue
        if outcome.dossier is not None:
            report.received.append(outcome.dossier.code)
        else:
            report.refused.append(code)
    return report


def _submission(client: NationalPortalClient, item: dict[str, Any]) -> dossier_services.NationalSubmission:
    fetched = []
    for document in item.get("TaiLieuNop") or []:
        if not isinstance(document, dict):
            continue
        content: bytes | None
        try:
            content = client.fetch_file(
                str(document.get("DuongDanTaiTep") or ""), max_bytes=files.max_bytes()
            )
        except PortalError as error:
            logger.info("national portal file %s not available: %s", document.get("TepDinhKemId"), error)
            content = None
        fetched.append(
            dossier_services.NationalFile(
                file_id=str(document.get("TepDinhKemId") or ""),
                name=str(document.get("TenTepDinhKem") or ""),
                document_code=str(document.get("MaThanhPhanHoSo") or ""),
                sha256=str(document.get("MaBam") or ""),
                content=content,
            )
        )
    form = item.get("DuLieuBieuMau")
    return dossier_services.NationalSubmission(
        national_code=str(item.get("MaHoSoQuocGia") or "").strip(),
        procedure_code=str(item.get("MaTTHC") or ""),
        applicant_name=str(item.get("ChuHoSo") or ""),
        applicant_id_number=str(item.get("MaDoiTuong") or ""),
        applicant_type=str(item.get("LoaiDoiTuong") or "1"),
        phone=str(item.get("SoDienThoai") or ""),
        email=str(item.get("Email") or ""),
        address=str(item.get("DiaChi") or ""),
        summary=str(item.get("TrichYeuHoSo") or ""),
        submitted_at=parse_time(item.get("NgayNopHoSo")),
        form_data=form if isinstance(form, dict) else {},
        files=fetched,
    )
