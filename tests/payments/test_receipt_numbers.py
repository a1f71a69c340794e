"""Receipt numbers (biên lai điện tử): gap-free per agency, series and year; a rolled-back issue leaves no
gap; concurrent issuers get distinct consecutive numbers (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import transaction

from concurrency import run_concurrently
from motcua.org.models import Agency
from motcua.payments.models import ReceiptCounter
from motcua.payments.services import take_receipt_number


class Failed(Exception):
    pass


def _agency() -> Agency:
    return Agency.objects.order_by("pk").first()


@pytest.mark.django_db
def test_a_rolled_back_receipt_leaves_no_gap():
    agency = _agency()
    with transaction.atomic():
        assert take_receipt_number(agency_id=agency.pk, year=2026, series="BLP") == 1
    with pytest.raises(Failed), transaction.atomic():
        assert take_receipt_number(agency_id=agency.pk, year=2026, series="BLP") == 2
        raise Failed
    with transaction.atomic():
        assert take_receipt_number(agency_id=agency.pk, year=2026, series="BLP") == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reload_world_after_module")
def test_concurrent_issuers_get_distinct_consecutive_receipt_numbers():
    agency = _agency()

    def issue(_i: int) -> list[int]:
        numbers = []
        for _ in range(5):
            with transaction.atomic():
                numbers.append(take_receipt_number(agency_id=agency.pk, year=2026, series="BLP"))
        return numbers

    results = run_concurrently(6, issue)
    assert all(isinstance(r, list) for r in results), results
    assert sorted(n for r in results for n in r) == list(range(1, 31))
    assert ReceiptCounter.objects.get(agency=agency, year=2026, series="BLP").last_number == 30
