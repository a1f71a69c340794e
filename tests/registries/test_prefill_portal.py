"""Prefill of the portal's e-form from the population registry (issue 14), against the reference registries
running as a real process: consent first (registry, fields, purpose; the text stored as shown), values
shown as coming from the registry, a correction needs a reason the officer sees beside the registry value;
a registry stopped or slow leaves the citizen to fill the form by hand, within the configured timeout."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.portal.uploads import cleanup_uploads
from motcua.registries.models import Consent, Lookup
from motcua.registries.provenance import PrefilledValue
from portal.test_eform import BIRTH, birth_certificate, logged_in, make_citizen, media_in_tmp, valid_answers
from registries.conftest import asked, person
from workspace.conftest import log_in, officer

__all__ = ["media_in_tmp"]

pytestmark = pytest.mark.django_db
SOURCE = "population.applicant_id_number"


def form_url() -> str:
    return reverse("portal:eform", args=[BIRTH])


def consent_url() -> str:
    return reverse("portal:prefill_consent", args=[BIRTH, SOURCE])


def ask(client: Client, identifier: str):
    """The citizen presses "Lấy thông tin từ ..." on the form: the draft is saved, the consent page opens."""
    response = client.post(
        form_url(), {"applicant_id_number": identifier, "prefill": SOURCE, "submission_key": "key-prefill"}
    )
    assert response.status_code == 302 and response["Location"] == consent_url(), response.content[:500]
    return client.get(consent_url())


def consent_digest(page) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', page.content.decode()).group(1)


def agree(client: Client, page):
    return client.post(consent_url(), {"digest": consent_digest(page), "agree": "1"})


def prefilled_citizen(registries, case: str = "person"):
    identifier, record = person(case)
    citizen = make_citizen(identifier, record["full_name"])
    client = logged_in(citizen)
    agreed = agree(client, ask(client, identifier))
    assert agreed.status_code == 302 and agreed["Location"].startswith(form_url())
    return citizen, client, record


def test_the_form_offers_the_lookup_and_the_consent_page_names_registry_fields_and_purpose(db, registries):
    identifier, _record = person()
    client = logged_in(make_citizen(identifier, "Người thử"))
    form = client.get(form_url()).content.decode()
    assert f'name="prefill" value="{SOURCE}"' in form and "Cơ sở dữ liệu quốc gia về dân cư" in form
    page = ask(client, identifier)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Cơ sở dữ liệu quốc gia về dân cư" in text
    assert "Họ, chữ đệm và tên" in text and "Nơi ở hiện tại" in text
    assert "Đăng ký khai sinh" in text and BIRTH in text  # the purpose: this procedure's form
    assert asked(registries, identifier) == [] and not Lookup.objects.exists()  # nothing asked before consent


def test_consent_is_stored_with_the_text_shown_and_the_values_are_shown_as_coming_from_the_registry(
    db, registries
):
    identifier, record = person()
    citizen = make_citizen(identifier, "Người thử")
    client = logged_in(citizen)
    page = ask(client, identifier)
    shown = html.unescape(
        re.search(r'data-testid="consent-text">(.*?)</p>', page.content.decode(), re.S).group(1)
    )
    assert agree(client, page).status_code == 302

    consent = Consent.objects.get()
    assert consent.text == shown and consent.citizen == citizen and consent.subject_id == identifier
    assert sorted(consent.fields) == ["current_address", "full_name"]
    assert consent.created_at is not None and "Đăng ký khai sinh" in consent.purpose
    lookup = Lookup.objects.get()
    assert lookup.consent == consent and lookup.outcome == "ok"
    assert len(asked(registries, identifier)) == 1

    form = client.get(form_url()).content.decode()
    address = record["current_address"]["text"]
    assert f'name="applicant_name" value="{html.escape(record["full_name"])}"' in html.unescape(form) or (
        f'value="{record["full_name"]}"' in html.unescape(form)
    )
    assert (
        'data-testid="prefill-applicant_name"' in form and "Lấy từ Cơ sở dữ liệu quốc gia về dân cư" in form
    )
    assert address in html.unescape(form)
    assert 'name="applicant_name__reason"' in form


def test_accepted_values_are_kept_as_they_came_and_linked_to_the_dossier(db, registries):
    citizen, client, record = prefilled_citizen(registries)
    address = record["current_address"]["text"]
    response = client.post(
        form_url(),
        {
            **valid_answers(applicant_name=record["full_name"], applicant_address=address),
            "applicant_id_number": citizen.national_id,
            "doc_giay_chung_sinh": birth_certificate(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant=citizen)
    rows = {row.form_field: row for row in PrefilledValue.objects.filter(dossier=dossier)}
    assert set(rows) == {"applicant_name", "applicant_address"}
    assert not any(row.corrected for row in rows.values())
    assert (
        rows["applicant_name"].registry_value == record["full_name"] == rows["applicant_name"].submitted_value
    )
    assert Lookup.objects.get().dossier == dossier and Consent.objects.get().dossier == dossier


def test_a_correction_needs_a_reason_which_the_officer_reads_beside_the_registry_value(
    db, registries, settings
):
    citizen, client, record = prefilled_citizen(registries)
    answers = {
        **valid_answers(applicant_name="Phan Thị Mai", applicant_address=record["current_address"]["text"]),
        "applicant_id_number": citizen.national_id,
        "doc_giay_chung_sinh": birth_certificate(),
    }
    refused = client.post(form_url(), answers)
    assert refused.status_code == 400
    assert "vui lòng nêu lý do sửa" in refused.content.decode()
    assert not Dossier.objects.filter(applicant=citizen).exists()

    reason = "Đã đổi tên theo quyết định số 12/QĐ-UBND, cơ sở dữ liệu chưa cập nhật"
    answers.update(applicant_name__reason=reason, doc_giay_chung_sinh=birth_certificate())
    response = client.post(form_url(), answers)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant=citizen)
    row = PrefilledValue.objects.get(dossier=dossier, form_field="applicant_name")
    assert row.corrected and row.reason == reason
    assert row.registry_value == record["full_name"] and row.submitted_value == "Phan Thị Mai"

    staff = Client()
    log_in(staff, officer("phuxuan.tiepnhan"))
    settings.MOTCUA_PREPARED_STATEMENTS = False  # the statements' text in the log on PostgreSQL too
    staff.get(reverse("workspace:dossier", args=[dossier.code]))  # the compiled reads warmed
    with CaptureQueriesContext(connection) as queries:
        page = staff.get(reverse("workspace:dossier", args=[dossier.code])).content.decode()
    # The values come with the dossier's page query (``registries.apps``), none of their own (issue 13).
    reading = [q["sql"] for q in queries.captured_queries if PrefilledValue._meta.db_table in q["sql"]]
    assert len(reading) == 1 and Dossier._meta.db_table in reading[0], reading
    section = page[page.index('data-testid="provenance"') :]
    assert "Thông tin lấy từ cơ sở dữ liệu" in page
    assert html.escape(record["full_name"]) in section or record["full_name"] in section
    assert "Phan Thị Mai" in section and html.escape(reason) in section


def test_a_citizen_cannot_consent_for_another_persons_number(db, registries):
    own, _ = person()
    other, _ = person("lives_elsewhere")
    client = logged_in(make_citizen(own, "Người thử"))
    page = ask(client, other)
    response = agree(client, page)
    assert response.status_code == 403
    assert "chính mình" in response.content.decode()
    assert asked(registries, other) == [] and not Consent.objects.exists()


def test_registry_stopped_the_citizen_is_told_and_submits_by_hand(db, registries):
    identifier, _ = person()
    citizen = make_citizen(identifier, "Người thử")
    client = logged_in(citizen)
    page = ask(client, identifier)
    registries.stop()
    response = agree(client, page)
    assert response.status_code == 302
    form = client.get(response["Location"]).content.decode()
    assert "hiện không phản hồi" in form and "tự điền" in form
    assert Lookup.objects.get().outcome == "unavailable"
    assert not PrefilledValue.objects.exists()
    submitted = client.post(
        form_url(),
        {**valid_answers(), "applicant_id_number": identifier, "doc_giay_chung_sinh": birth_certificate()},
    )
    assert submitted.status_code == 302, submitted.content.decode()[:2000]
    assert Dossier.objects.filter(applicant=citizen).exists()


def test_registry_slow_the_consent_answers_within_the_timeout(db, registries, settings):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "TIMEOUT_SECONDS": 1.0}
    identifier, _ = person("moved")  # its late request must not land in another test's log
    client = logged_in(make_citizen(identifier, "Người thử"))
    page = ask(client, identifier)
    registries.faults(delay_seconds=5)
    started = time.monotonic()
    response = agree(client, page)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 1.0 + 1.0, elapsed  # the timeout, plus the page's own work
    assert Lookup.objects.get().outcome == "unavailable"
    assert "hiện không phản hồi" in client.get(response["Location"]).content.decode()


def test_a_pre_2025_address_is_shown_with_its_2025_unit(db, registries):
    _citizen, client, record = prefilled_citizen(registries, "pre_2025_address")
    form = html.unescape(client.get(form_url()).content.decode())
    assert record["current_address"]["text"] in form
    assert "đơn vị hành chính hiện nay" in form and "trước đây" in form


def test_values_of_an_abandoned_form_are_forgotten_with_its_draft(db, registries):
    citizen, _client, _record = prefilled_citizen(registries)
    assert PrefilledValue.objects.filter(filled_by=citizen).count() == 2
    cleanup_uploads(now=timezone.now() + timedelta(days=30), draft_days=90)
    assert PrefilledValue.objects.filter(filled_by=citizen).count() == 2  # the form is still being filled
    cleanup_uploads(now=timezone.now() + timedelta(days=91), draft_days=90)
    assert not PrefilledValue.objects.exists()
    assert Consent.objects.exists() and Lookup.objects.exists()  # the audit stays
