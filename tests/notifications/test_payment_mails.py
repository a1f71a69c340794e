"""The payment mails as the applicant receives them through the real SMTP server: the amount written
"8.000 đ", the transfer reference, and for a received payment the receipt's series and number."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers.dossier_world import COMPLETE, T0, walk_in_px_for_pv
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.payments import services as payment_services
from motcua.payments.models import FeeReceipt

from .conftest import deliver

pytestmark = pytest.mark.django_db

ADDRESS = "hoa.lephi@example.vn"


def test_the_payment_mails_show_the_amount_the_reference_and_the_receipt(channels, world):
    typed = walk_in_px_for_pv(world)
    info = dataclasses.replace(typed["applicant_info"], email=ADDRESS)
    dossier = dossier_services.receive_at_counter(
        **{**typed, "applicant_info": info, "applicant": None}, documents=COMPLETE, now=T0
    )
    Dossier.objects.filter(pk=dossier.pk).update(fee=8000)
    dossier.refresh_from_db()
    dossier = dossier_services.accept(dossier=dossier, by=world.officer_px, now=T0)
    payment = payment_services.open_payment(dossier=dossier, now=T0 + dt.timedelta(minutes=5))
    payment_services.record_transfer(
        provider="gateway",
        transfer=payment_services.ReportedTransfer(
            event_id="mail-1",
            amount=Decimal(8000),
            content=f"NOP LE PHI {payment.reference}",
            at=timezone.now(),
            payer_name="NGUYEN THI HOA",
            reference="",
        ),
    )
    receipt = FeeReceipt.objects.get(payment=payment)

    while deliver().claimed:
        pass

    mails = {m["subject"]: m for m in channels["smtp"].messages(to=ADDRESS)}
    due = mails[f"Hồ sơ {dossier.code}: yêu cầu thực hiện nghĩa vụ tài chính"]
    assert "8.000 đ" in due["body"]
    assert payment.reference in due["body"]
    paid = mails[f"Hồ sơ {dossier.code}: đã nhận thanh toán phí, lệ phí"]
    assert "8.000 đ" in paid["body"]
    assert payment.reference in paid["body"]
    assert f"{receipt.series} {receipt.number_text}" in paid["body"]
    assert dossier.code in paid["body"]
