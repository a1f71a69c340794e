"""The VietQR code of a payment: the EMVCo merchant-presented payload of NAPAS VietQR (bank BIN, account,
amount, the reference as the purpose of the transaction), built by ``vietnam-qr-pay``, drawn as inline SVG
by segno (no JavaScript, no image request)."""

from __future__ import annotations

import re
from decimal import Decimal

import segno
from vietnam_qr_pay import QRPay


def payload(*, bank_bin: str, account_number: str, amount: Decimal | int, purpose: str) -> str:
    """The EMVCo string (tag 38 NAPAS ``A000000727`` with BIN and account, service ``QRIBFTTA`` to an account,
    tag 54 the amount in đồng, tag 62.08 the purpose, tag 63 the CRC-16/CCITT)."""
    ascii_purpose = re.sub(r"[^0-9A-Za-z ]", "", purpose)[:25]  # banks carry ASCII letters and digits
    qr = QRPay.init_viet_qr(
        bank_bin=bank_bin,
        bank_number=account_number,
        amount=str(int(amount)) if amount else None,
        purpose=ascii_purpose or None,
    )
    return qr.build()


def svg(data: str, *, title: str) -> str:
    """The QR code as an inline SVG element (error correction M, as banking apps scan it)."""
    code = segno.make(data, error="m", micro=False)
    return code.svg_inline(scale=4, border=4, title=title, dark="#000", light="#fff")
