"""Validating the signatures of a PDF (a result document, or a PDF uploaded to the verification page).

Each signature is checked with pyHanko for integrity (the signed bytes are unchanged), the signer's
certificate chain up to one of the trust roots of ``MOTCUA_SIGNING["trust_roots"]`` (Law on Electronic
Transactions No. 20/2023/QH15 and Decree 23/2025/NĐ-CP on electronic signatures: a digital signature counts
when the signer's certificate is valid, not revoked, and issued by a recognised certification service),
revocation (OCSP or CRL, fetched from the addresses in the certificates when ``allow_fetching``, else only
what the PDF embeds), the time stamp (RFC 3161) and how much of the file the signature covers. Every outcome
gets a plain-Vietnamese sentence for the citizen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .pades import signing_time_text

logger = logging.getLogger(__name__)

REVOCATION_TIME_TOLERANCE = timedelta(seconds=60)
NOT_PDF = "not_pdf"
NOT_SIGNED = "not_signed"


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of the PDF, in the order they were added (the leader's, then the seal)."""

    signer: str  # the certificate's common name (a person, or the agency for a seal)
    signed_at: datetime | None  # the time stamp when there is one, else the time the signer's software claims
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to a trust root and is not revoked
    revoked: bool
    timestamped: bool  # a time stamp from a trusted authority is attached and valid
    covers_whole_file: bool  # nothing was added after this signature
    summary: str  # plain Vietnamese
    field_name: str = ""
    organization: str = ""
    ok: bool = False  # pyHanko's bottom line: intact, valid, trusted, timestamp and modifications acceptable


@dataclass(frozen=True)
class Report:
    signatures: tuple[SignatureCheck, ...]
    ok: bool  # at least one signature, all of them good, and the last one covers the whole file
    summary: str  # plain Vietnamese
    problem: str = ""  # "not_pdf" | "not_signed" | "" (the file is a signed PDF)


def validate_pdf(data: bytes, *, fetch: bool = True) -> Report:
    """Validate every signature of ``data``; never raises for a bad file (the report says what is wrong).

    ``fetch=False`` never asks the network for revocation information (only what the PDF embeds counts): for
    a file a stranger uploaded, whose certificates could name any address for their OCSP or CRL."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if b"%PDF-" not in data[:1024]:
        return Report((), False, _("Tệp tải lên không phải là tệp PDF."), NOT_PDF)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError) as error:
        logger.info("unreadable PDF: %s", error)
        return Report((), False, _("Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng."), NOT_PDF)
    if not embedded:
        return Report((), False, _("Tệp PDF này không có chữ ký số."), NOT_SIGNED)

    checks = tuple(_check(signature, fetch=fetch) for signature in embedded)
    last = checks[-1]
    ok = all(check.ok for check in checks) and last.covers_whole_file
    if ok:
        summary = _(
            "Văn bản có %(count)d chữ ký số, tất cả đều hợp lệ; văn bản không bị thay đổi sau khi ký."
        ) % {"count": len(checks)}
    else:
        failing = next((check for check in checks if not check.ok), last)
        summary = failing.summary
    return Report(checks, ok, summary)


def validation_context(*, fetch: bool = True) -> Any:
    """Trust roots from the settings; revocation fetched (hard-fail) when allowed, else as the PDF embeds."""
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko_certvalidator import ValidationContext

    config = settings.MOTCUA_SIGNING
    present = [path for path in config["trust_roots"] if Path(path).is_file()]
    if len(present) < len(config["trust_roots"]):
        # production refuses to start so (settings.py); elsewhere nothing from a missing root is trusted
        logger.error(
            "MOTCUA_SIGNING trust roots missing: %s", sorted(set(config["trust_roots"]) - set(present))
        )
    roots = list(load_certs_from_pemder(present)) if present else []
    fetching = fetch and bool(config.get("allow_fetching", True))
    return ValidationContext(
        trust_roots=roots,
        allow_fetching=fetching,
        revocation_mode="hard-fail" if fetching else "soft-fail",
        # The validation time is fixed before the OCSP answers are fetched: an answer made a few seconds
        # later (or by a responder whose clock runs ahead) is not "too new" to count.
        time_tolerance=REVOCATION_TIME_TOLERANCE,
    )


def _check(embedded: Any, *, fetch: bool) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    subject = embedded.signer_cert.subject.native if embedded.signer_cert is not None else {}
    signer = str(subject.get("common_name") or subject.get("organization_name") or "")
    organization = str(subject.get("organization_name") or "")
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=validation_context(fetch=fetch))
    except (SignatureValidationError, ValueError) as error:
        logger.info("signature %s could not be validated: %s", embedded.field_name, error)
        return SignatureCheck(
            signer=signer,
            signed_at=None,
            intact=False,
            valid=False,
            trusted=False,
            revoked=False,
            timestamped=False,
            covers_whole_file=False,
            summary=_("Chữ ký của %(signer)s bị lỗi, không kiểm tra được.") % {"signer": signer or "?"},
            field_name=str(embedded.field_name or ""),
            organization=organization,
        )
    stamp = status.timestamp_validity
    timestamped = bool(stamp is not None and stamp.intact and stamp.valid and stamp.trusted)
    signed_at = stamp.timestamp if stamp is not None else status.signer_reported_dt
    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    ok = bool(status.bottom_line)
    check = SignatureCheck(
        signer=signer,
        signed_at=signed_at,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        timestamped=timestamped,
        covers_whole_file=covers_whole_file,
        summary="",
        field_name=str(embedded.field_name or ""),
        organization=organization,
        ok=ok,
    )
    return _with_summary(check, status)


def _with_summary(check: SignatureCheck, status: Any) -> SignatureCheck:
    from dataclasses import replace

    params = {"signer": check.signer or "?"}
    if not check.intact or not check.valid:
        text = _(
            "Văn bản đã bị thay đổi sau khi %(signer)s ký: nội dung không còn khớp với chữ ký. "
            "Không sử dụng văn bản này."
        )
    elif check.revoked:
        text = _(
            "Chứng thư số của %(signer)s đã bị thu hồi: chữ ký không còn giá trị. "
            "Đề nghị liên hệ cơ quan cấp văn bản."
        )
    elif not check.trusted:
        text = _(
            "Chữ ký của %(signer)s không được xác nhận: chứng thư số không do tổ chức cung cấp dịch vụ "
            "chứng thực chữ ký số được công nhận cấp, hoặc không kiểm tra được tình trạng của chứng thư."
        )
    elif status.timestamp_validity is not None and not check.timestamped:
        text = _("Dấu thời gian gắn với chữ ký của %(signer)s không hợp lệ.")
    elif not check.ok:
        text = _("Văn bản đã bị sửa đổi sau khi %(signer)s ký, theo cách không được phép.")
    else:
        when = signing_time_text(check.signed_at) if check.signed_at else ""
        params["time"] = when
        if check.timestamped:
            text = _("Chữ ký của %(signer)s hợp lệ; thời điểm ký %(time)s được xác nhận bằng dấu thời gian.")
        elif when:
            text = _("Chữ ký của %(signer)s hợp lệ; thời điểm ký theo máy của người ký: %(time)s.")
        else:
            text = _("Chữ ký của %(signer)s hợp lệ.")
        if not check.covers_whole_file:
            text = (
                text + " " + _("Sau chữ ký này văn bản có thêm nội dung được phép (chữ ký, dấu tiếp theo).")
            )
    return replace(check, summary=text % params)
