"""Prefill at the counter (assisted online submission): the officer records the citizen's consent or the
legal basis that allows the lookup without it; with neither the lookup is refused. Against the reference
registries and e-ID provider running as real processes."""

from __future__ import annotations

import html

import pytest

from motcua.dossiers.models import Dossier
from motcua.registries.models import Consent, Lookup
from motcua.registries.provenance import PrefilledValue
from registries.conftest import asked, person
from workspace.conftest import hue, log_in, officer
from workspace.test_assisted_submission import URL, e_form, eid_up, idp, media

__all__ = ["eid_up", "hue", "idp", "media"]

pytestmark = pytest.mark.django_db
SOURCE = "population.applicant_id_number"
LAW = "Khoản 3 Điều 10 Luật Căn cước 2023: cơ quan giải quyết thủ tục hành chính khai thác thông tin"


def lookup_form(hue, identifier: str, **extra) -> dict:
    """The counter's form with "Lấy thông tin từ ..." pressed instead of "Nộp"."""
    data = e_form(hue, applicant_id_number=identifier, id_number=identifier, prefill=SOURCE, **extra)
    data.pop("submit")
    data.pop("scan_giay_chung_sinh")
    return data


def test_without_consent_or_legal_basis_the_lookup_is_refused(client, hue, registries):
    identifier, _ = person()
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"{URL}?procedure=1.001193").content.decode()
    assert 'data-testid="prefill-sources"' in page and 'name="prefill_basis"' in page
    response = client.post(URL, lookup_form(hue, identifier))
    text = response.content.decode()
    assert 'data-testid="prefill-error"' in text and "đồng ý" in text
    assert asked(registries, identifier) == [] and not Consent.objects.exists()
    assert Lookup.objects.get().outcome == "refused"
    assert not PrefilledValue.objects.exists()


def test_the_officer_records_the_citizens_consent_and_the_form_is_filled(
    client, hue, registries, eid_up, media
):
    identifier, record = person("pre_2025_address")
    staff = officer("phuxuan.tiepnhan")
    log_in(client, staff)
    response = client.post(URL, lookup_form(hue, identifier, prefill_basis="consent"))
    text = html.unescape(response.content.decode())
    consent = Consent.objects.get()
    assert consent.recorded_by == staff and consent.citizen is None and consent.subject_id == identifier
    assert consent.text and consent.text in text  # the words read to the citizen, stored as shown
    assert Lookup.objects.get().outcome == "ok"
    assert f'value="{record["full_name"]}"' in text and record["current_address"]["text"] in text
    assert "Lấy từ Cơ sở dữ liệu quốc gia về dân cư" in text and "trước đây" in text

    address = record["current_address"]["text"]
    submitted = client.post(
        URL,
        e_form(
            hue,
            applicant_id_number=identifier,
            id_number=identifier,
            applicant_name=record["full_name"],
            applicant_address=address,
            prefill_basis="consent",
        ),
    )
    assert submitted.status_code == 302, submitted.content.decode()[:3000]
    dossier = Dossier.objects.get(applicant_id_number=identifier)
    rows = PrefilledValue.objects.filter(dossier=dossier)
    assert {r.form_field for r in rows} == {"applicant_name", "applicant_address"}
    assert not any(r.corrected for r in rows)
    assert Lookup.objects.get().dossier == dossier
    page = html.unescape(client.get(submitted["Location"]).content.decode())
    assert 'data-testid="provenance"' in page and "Giữ nguyên" in page


def test_a_legal_basis_allows_the_lookup_without_consent(client, hue, registries):
    identifier, record = person()
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(
        URL, lookup_form(hue, identifier, prefill_basis="legal_basis", prefill_legal_basis=LAW)
    )
    assert f'value="{record["full_name"]}"' in html.unescape(response.content.decode())
    consent = Consent.objects.get()
    assert consent.legal_basis == LAW and consent.text == ""
    lookup = Lookup.objects.get()
    assert lookup.outcome == "ok" and lookup.legal_basis == LAW


def test_a_legal_basis_chosen_but_not_named_is_refused(client, hue, registries):
    identifier, _ = person()
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, lookup_form(hue, identifier, prefill_basis="legal_basis"))
    assert 'data-testid="prefill-error"' in response.content.decode()
    assert asked(registries, identifier) == [] and not PrefilledValue.objects.exists()


def test_a_correction_at_the_counter_needs_a_reason(client, hue, registries, eid_up, media):
    identifier, record = person()
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(URL, lookup_form(hue, identifier, prefill_basis="consent"))
    answers = {
        "applicant_id_number": identifier,
        "id_number": identifier,
        "applicant_name": "Tên Khác Hẳn",
        "applicant_address": record["current_address"]["text"],
    }
    refused = client.post(URL, e_form(hue, **answers))
    assert refused.status_code == 400 and "vui lòng nêu lý do sửa" in refused.content.decode()
    assert not Dossier.objects.filter(applicant_id_number=identifier).exists()
    reason = "Công dân xuất trình quyết định thay đổi họ tên"
    accepted = client.post(URL, e_form(hue, applicant_name__reason=reason, **answers))
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    row = PrefilledValue.objects.get(form_field="applicant_name", dossier__isnull=False)
    assert row.corrected and row.reason == reason and row.registry_value == record["full_name"]
    page = html.unescape(client.get(accepted["Location"]).content.decode())
    assert reason in page and record["full_name"] in page and "Tên Khác Hẳn" in page


def test_values_fetched_for_one_citizen_do_not_follow_the_officer_to_the_next(
    client, hue, registries, eid_up, media
):
    first, _ = person()
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(URL, lookup_form(hue, first, prefill_basis="consent"))
    assert PrefilledValue.objects.filter(identifier=first).count() == 2
    # The first citizen leaves; the next one's form is typed by hand and needs no reason for anything.
    response = client.post(URL, e_form(hue, idempotency_key="assisted-next"))
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get(applicant_id_number=e_form(hue)["id_number"])
    assert not PrefilledValue.objects.filter(dossier=dossier).exists()
    assert not Lookup.objects.filter(dossier=dossier).exists()
