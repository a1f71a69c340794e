"""Which stored document a new dossier takes (``datastore.selectors.for_reuse``), and what the lookup costs:
one light statement when the applicant holds nothing of the kind asked for (most receptions), the full
readable-documents query only when something could fit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.catalog.subjects import Subject
from motcua.datastore import selectors

from .world import CHILD

pytestmark = pytest.mark.django_db

BIRTH_CERTIFICATE = "civil_status.birth_certificate"
STRANGER = "046090001234"  # a valid personal number holding nothing


def child(hue) -> Subject:
    return Subject(
        field="beneficiary_name",
        kind="person",
        id_number="",
        name=CHILD,
        birth_date=timezone.localdate() - dt.timedelta(days=40),
    )


def test_nothing_in_the_store_costs_one_statement(hue, certificate):
    with CaptureQueriesContext(connection) as queries:
        found = selectors.for_reuse(reader_id=STRANGER, kind=BIRTH_CERTIFICATE, subjects=[], on=hue.on)
    assert found is None
    assert len(queries) == 1


def test_a_representative_is_looked_up_in_full_and_finds_nothing_of_another_kind(hue, certificate):
    # The mother represents her child (a representative filing): the light statement cannot rule her out,
    # the full query runs and finds no marriage certificate.
    found = selectors.for_reuse(
        reader_id=hue.citizen.national_id, kind="civil_status.marriage_certificate", subjects=[], on=hue.on
    )
    assert found is None


def test_the_document_of_the_kind_is_still_found(hue, certificate):
    found = selectors.for_reuse(
        reader_id=hue.citizen.national_id, kind=BIRTH_CERTIFICATE, subjects=[child(hue)], on=hue.on
    )
    assert found == certificate


def test_a_number_that_is_not_a_personal_number_reads_nothing(hue, certificate):
    for reader in ("", "123", "0460900012345678", "04609000123\x00"):
        with CaptureQueriesContext(connection) as queries:
            assert (
                selectors.for_reuse(reader_id=reader, kind=BIRTH_CERTIFICATE, subjects=[], on=hue.on) is None
            )
        assert len(queries) == 0
