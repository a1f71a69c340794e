"""Sổ đăng ký văn bản đi: from 01 yearly, per agency and symbol, no gap (Decree 30/2020 Art. 15)."""

from __future__ import annotations

import pytest
from django.db import transaction

from concurrency import run_concurrently
from motcua.org.models import Agency
from motcua.signing.models import OutgoingDocumentRegister
from motcua.signing.registers import take_number


def _agencies() -> tuple[Agency, Agency]:
    first, second = Agency.objects.filter(kind="ubnd").order_by("pk")[:2]
    return first, second


@pytest.mark.django_db
def test_numbers_run_from_one_per_agency_symbol_and_year():
    ward, other = _agencies()
    taken = [take_number(agency=ward, year=2026, symbol="GKS-UBND") for _ in range(3)]
    assert taken == [(1, "01/GKS-UBND"), (2, "02/GKS-UBND"), (3, "03/GKS-UBND")]
    assert take_number(agency=ward, year=2026, symbol="TLKT-UBND") == (1, "01/TLKT-UBND")
    assert take_number(agency=other, year=2026, symbol="GKS-UBND") == (1, "01/GKS-UBND")
    assert take_number(agency=ward, year=2027, symbol="GKS-UBND") == (1, "01/GKS-UBND")
    assert take_number(agency=ward, year=2026, symbol="GKS-UBND")[1] == "04/GKS-UBND"
    register = OutgoingDocumentRegister.objects.get(agency=ward, year=2026, symbol="GKS-UBND")
    assert register.last_number == 4


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back():
    ward, _ = _agencies()
    assert take_number(agency=ward, year=2026, symbol="GCNKH-UBND")[0] == 1

    class Failed(Exception):
        pass

    with pytest.raises(Failed), transaction.atomic():
        assert take_number(agency=ward, year=2026, symbol="GCNKH-UBND")[0] == 2
        raise Failed
    assert take_number(agency=ward, year=2026, symbol="GCNKH-UBND") == (2, "02/GCNKH-UBND")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reload_world_after_module")
def test_concurrent_issuers_get_distinct_consecutive_numbers():
    ward, _ = _agencies()

    def issue(_i: int) -> list[int]:
        numbers = []
        for _ in range(5):
            with transaction.atomic():
                numbers.append(take_number(agency=ward, year=2026, symbol="GKS-UBND")[0])
        return numbers

    results = run_concurrently(6, issue)
    assert all(isinstance(r, list) for r in results), results
    numbers = sorted(n for r in results for n in r)
    assert numbers == list(range(1, 31))
    assert OutgoingDocumentRegister.objects.get(agency=ward, year=2026, symbol="GKS-UBND").last_number == 30
