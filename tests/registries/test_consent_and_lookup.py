"""Consent before a lookup, the legal-basis path at the counter, and the audit row of every attempt —
against the reference registries as a real process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from archives import archived_at, ended
from motcua.core.errors import DomainError
from motcua.dossiers import access as dossier_access
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.registries import services
from motcua.registries.adapters import RecordNotFound, RegistryUnavailable
from motcua.registries.models import Consent, Lookup, Outcome

PURPOSE = "Đăng ký kết hôn: điền sẵn tờ khai"
FIELDS = ["full_name", "birth_date", "permanent_address"]


def test_a_lookup_without_consent_or_legal_basis_is_refused_and_recorded(world, registries):
    with pytest.raises(DomainError) as caught:
        world.look_up(world.citizen, world.citizen.national_id, fields=FIELDS, purpose=PURPOSE)
    assert caught.value.code == "registries.no_consent"
    row = Lookup.objects.get()
    assert (row.outcome, row.error_code, row.fields_returned) == (
        Outcome.REFUSED,
        "registries.no_consent",
        [],
    )
    assert registries.requests() == []  # the registry was never asked


def test_the_citizen_consents_and_the_lookup_returns_only_the_consented_fields(world, registries):
    consent = world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE, draft_reference="draft-1")
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.text.startswith("Tôi đồng ý") and "Cơ sở dữ liệu quốc gia về dân cư" in stored.text
    assert "Họ, chữ đệm và tên" in stored.text and PURPOSE in stored.text
    assert (stored.citizen, stored.recorded_by, stored.fields) == (world.citizen, None, FIELDS)
    assert stored.created_at <= timezone.now()

    result = world.look_up(
        world.citizen,
        world.citizen.national_id,
        fields=FIELDS,
        purpose=PURPOSE,
        consent=consent,
        draft_reference="draft-1",
    )
    assert result.values["full_name"] == world.citizen.full_name
    assert list(result.values) == FIELDS
    assert next(label for _, label, _ in result.items()) == "Họ, chữ đệm và tên"
    row = Lookup.objects.get()
    assert row.outcome == Outcome.OK and row.consent == consent and row.fields_returned == FIELDS
    assert (row.actor, row.subject_id, row.flagged, row.purpose) == (
        world.citizen,
        world.citizen.national_id,
        False,
        PURPOSE,
    )
    call = registries.requests()[-1]
    assert call["purpose"] == PURPOSE and sorted(call["fields"]) == sorted(FIELDS)


def test_a_consent_does_not_cover_more_fields_another_purpose_or_another_person(world, registries):
    consent = world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE)
    attempts = [
        {"fields": [*FIELDS, "household_members"]},
        {"purpose": "Mục đích khác"},
        {"identifier": world.other_citizen.national_id},
        {"registry": "civil_status", "fields": ["birth"]},
    ]
    for change in attempts:
        arguments = {"identifier": world.citizen.national_id, "fields": FIELDS, "purpose": PURPOSE, **change}
        with pytest.raises(DomainError) as caught:
            world.look_up(world.citizen, consent=consent, **arguments)
        assert caught.value.code == "registries.consent_mismatch", change
    assert Lookup.objects.filter(outcome=Outcome.REFUSED).count() == len(attempts)
    assert registries.requests() == []


def test_someone_else_cannot_use_a_citizens_consent(world, registries):
    consent = world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE)
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.other_citizen, world.citizen.national_id, fields=FIELDS, purpose=PURPOSE, consent=consent
        )
    assert caught.value.code == "registries.consent_mismatch"


def test_an_expired_or_withdrawn_consent_no_longer_allows_a_lookup(world, registries, settings):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "CONSENT_VALID_MINUTES": 30}
    old = world.consent(
        world.citizen, fields=FIELDS, purpose=PURPOSE, now=timezone.now() - dt.timedelta(minutes=31)
    )
    withdrawn = services.withdraw_consent(
        consent=world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE), by=world.citizen
    )
    for consent in (old, withdrawn):
        with pytest.raises(DomainError) as caught:
            world.look_up(
                world.citizen, world.citizen.national_id, fields=FIELDS, purpose=PURPOSE, consent=consent
            )
        assert caught.value.code == "registries.consent_expired"


def test_a_citizen_consents_only_about_themselves_and_never_records_a_legal_basis(world):
    with pytest.raises(DomainError) as caught:
        world.consent(
            world.citizen,
            subject_id=world.other_citizen.national_id,
            fields=FIELDS,
            purpose=PURPOSE,
            text="Tôi đồng ý",
        )
    assert caught.value.code == "registries.not_your_data"
    with pytest.raises(DomainError) as caught:
        world.consent(
            world.citizen,
            fields=FIELDS,
            purpose=PURPOSE,
            text="",
            legal_basis="Điều 17 Nghị định 13/2023/NĐ-CP",
        )
    assert caught.value.code == "registries.legal_basis_staff_only"
    assert not Consent.objects.exists()


def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_stored(world):
    cases = [
        ({"registry": "tax"}, "registries.unknown_registry"),
        ({"subject_id": "12345"}, "registries.bad_identifier"),
        ({"fields": ["shoe_size"]}, "registries.unknown_field"),
        ({"fields": []}, "registries.unknown_field"),
        ({"purpose": "   "}, "registries.purpose_required"),
        ({"text": ""}, "registries.consent_text_required"),
    ]
    for change, code in cases:
        arguments = {
            "by": world.citizen,
            "subject_id": world.citizen.national_id,
            "registry": "population",
            "fields": FIELDS,
            "purpose": PURPOSE,
            "text": "Tôi đồng ý cho lấy thông tin.",
            **change,
        }
        with pytest.raises(DomainError) as caught:
            services.record_consent(**arguments)
        assert caught.value.code == code, change
        assert str(caught.value) and "%(" not in str(caught.value)
    assert not Consent.objects.exists()


def test_at_the_counter_the_officer_records_the_citizens_consent_for_the_dossier(world, registries):
    dossier = world.receive(id_number=world.examples["person"])
    consent = world.consent(
        world.officer,
        subject_id=world.examples["person"],
        fields=["full_name", "current_address"],
        purpose=PURPOSE,
        text="Ông/bà đồng ý cho lấy họ tên và nơi ở hiện tại từ CSDL quốc gia về dân cư.",
        dossier=dossier,
    )
    assert (consent.citizen, consent.recorded_by, consent.dossier) == (None, world.officer, dossier)
    result = world.look_up(
        world.officer,
        world.examples["person"],
        fields=["full_name", "current_address"],
        purpose=PURPOSE,
        dossier=dossier,
        consent=consent,
    )
    assert result.values["current_address"]["text"]
    row = result.lookup
    assert row.actor_kind == "staff" and row.dossier == dossier and not row.flagged
    assert row.actor_label.startswith(world.officer.staff.full_name) and row.province_code == "46"


def test_an_officer_without_consent_or_legal_basis_is_refused(world, registries):
    dossier = world.receive()
    with pytest.raises(DomainError) as caught:
        world.consent(
            world.officer,
            subject_id=world.examples["person"],
            fields=FIELDS,
            purpose=PURPOSE,
            text="",
            dossier=dossier,
        )
    assert caught.value.code == "registries.no_consent"
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.officer, world.examples["person"], fields=FIELDS, purpose=PURPOSE, dossier=dossier
        )
    assert caught.value.code == "registries.no_consent"


def test_the_legal_basis_path_records_the_basis_instead_of_a_consent(world, registries):
    dossier = world.receive()
    basis = "Khoản 1 Điều 17 Nghị định 13/2023/NĐ-CP; Điều 10 Luật Căn cước 2023"
    recorded = world.consent(
        world.officer,
        subject_id=world.examples["person"],
        fields=["full_name"],
        purpose=PURPOSE,
        text="",
        legal_basis=basis,
        dossier=dossier,
    )
    assert recorded.is_legal_basis and recorded.text == ""
    via_record = world.look_up(
        world.officer,
        world.examples["person"],
        fields=["full_name"],
        purpose=PURPOSE,
        dossier=dossier,
        consent=recorded,
    )
    direct = world.look_up(
        world.officer,
        world.examples["person"],
        registry="civil_status",
        fields=["marital_status"],
        purpose=PURPOSE,
        dossier=dossier,
        legal_basis=basis,
    )
    assert via_record.lookup.legal_basis == basis and direct.lookup.legal_basis == basis
    assert direct.values == {"marital_status": "Đã kết hôn"}


def test_a_citizen_cannot_invoke_a_legal_basis(world, registries):
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.citizen,
            world.citizen.national_id,
            fields=FIELDS,
            purpose=PURPOSE,
            legal_basis="Điều 17 Nghị định 13/2023/NĐ-CP",
        )
    assert caught.value.code == "registries.legal_basis_staff_only"


def test_an_officer_cannot_look_up_for_a_dossier_of_another_agency(world, registries):
    dossier = world.receive()
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.other_officer,
            world.examples["person"],
            fields=FIELDS,
            purpose=PURPOSE,
            dossier=dossier,
            legal_basis="Điều 17 Nghị định 13/2023/NĐ-CP",
        )
    assert caught.value.code == "registries.dossier_forbidden"
    assert registries.requests() == []


def test_the_archive_of_an_ended_agency_is_read_by_its_successor_but_not_looked_up_for(world, registries):
    """The successor's officer reads the ended agency's dossier (dossiers.access), yet no registry look-up
    may be made for it: a closed archive is not a dossier being handled (purpose limitation)."""
    successor = Agency.objects.get(pk=min(dossier_access.agencies_of(user=world.other_officer, on=world.on)))
    old = ended("T.REG.CU", successor, on=world.on - dt.timedelta(days=30))
    dossier = archived_at(world.receive(), old)
    readable = dossier_access.visible_dossiers(user=world.other_officer, on=world.on)
    assert readable.filter(pk=dossier.pk).exists()
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.other_officer,
            world.examples["person"],
            fields=FIELDS,
            purpose=PURPOSE,
            dossier=Dossier.objects.get(pk=dossier.pk),
            legal_basis="Điều 17 Nghị định 13/2023/NĐ-CP",
        )
    assert caught.value.code == "registries.dossier_forbidden"
    assert registries.requests() == []


def test_a_staff_lookup_outside_a_dossier_needs_a_stated_purpose_and_is_flagged(world, registries):
    basis = "Điều 17 Nghị định 13/2023/NĐ-CP"
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.officer,
            world.examples["business"],
            registry="business",
            fields=["name"],
            purpose="xem",
            legal_basis=basis,
        )
    assert caught.value.code == "registries.purpose_required"
    result = world.look_up(
        world.officer,
        world.examples["business"],
        registry="business",
        fields=["name", "status"],
        purpose="Xác minh doanh nghiệp trước khi tiếp nhận hồ sơ",
        legal_basis=basis,
    )
    assert result.lookup.flagged and result.lookup.dossier is None
    assert Lookup.objects.filter(flagged=True).count() == 2  # the refused attempt too


def test_not_found_and_unavailable_lookups_are_recorded_and_raised(world, registries):
    unknown = world.examples["unknown_person"]
    basis = "Điều 17 Nghị định 13/2023/NĐ-CP"
    dossier = world.receive()
    with pytest.raises(RecordNotFound) as caught:
        world.look_up(
            world.officer, unknown, fields=["full_name"], purpose=PURPOSE, dossier=dossier, legal_basis=basis
        )
    assert caught.value.lookup.outcome == Outcome.NOT_FOUND
    registries.stop()
    with pytest.raises(RegistryUnavailable) as caught:
        world.look_up(
            world.officer,
            world.examples["person"],
            fields=["full_name"],
            purpose=PURPOSE,
            dossier=dossier,
            legal_basis=basis,
        )
    row = caught.value.lookup
    assert (row.outcome, row.error_code, row.fields_returned) == (
        Outcome.UNAVAILABLE,
        "registries.unavailable",
        [],
    )
    assert Lookup.objects.count() == 2


def test_a_citizen_reads_only_land_parcels_they_hold(world, registries):
    from refservices.registries import records

    parcel = world.examples["parcel"]
    holder = records.land_record(parcel)["holder_id_number"]
    consent = world.consent(
        world.citizen,
        subject_id=parcel,
        registry="land",
        fields=["area_m2"],
        purpose=PURPOSE,
        text="Tôi đồng ý cho lấy diện tích thửa đất.",
    )
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.citizen, parcel, registry="land", fields=["area_m2"], purpose=PURPOSE, consent=consent
        )
    assert caught.value.code == "registries.not_your_data"
    assert caught.value.lookup.subject_id == holder  # the holder sees the attempt on their account page


def test_a_drafts_consents_and_lookups_follow_it_into_the_dossier(world, registries):
    consent = world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE, draft_reference="draft-42")
    world.look_up(
        world.citizen,
        world.citizen.national_id,
        fields=FIELDS,
        purpose=PURPOSE,
        consent=consent,
        draft_reference="draft-42",
    )
    dossier = world.receive(applicant=world.citizen, id_number=world.citizen.national_id)
    assert services.link_draft_to_dossier(draft_reference="draft-42", dossier=dossier) == 2
    consent.refresh_from_db()
    assert consent.dossier == dossier and Lookup.objects.get().dossier == dossier


def test_a_counter_lookup_is_unflagged_only_when_the_dossier_concerns_that_person(world, registries):
    applicant, stranger = world.examples["person"], world.examples["moved"]
    for subject in (applicant, stranger):
        world.look_up(
            world.officer,
            subject,
            fields=["full_name"],
            purpose="Điền tờ khai thủ tục tại quầy tiếp nhận",
            legal_basis="Điều 17 Nghị định 13/2023/NĐ-CP",
            draft_reference="counter-7",
        )
    assert Lookup.objects.filter(flagged=True).count() == 2  # no dossier yet
    dossier = world.receive(id_number=applicant)
    assert services.link_draft_to_dossier(draft_reference="counter-7", dossier=dossier) == 2
    rows = {row.subject_id: row for row in Lookup.objects.all()}
    assert rows[applicant].dossier == dossier and not rows[applicant].flagged
    assert rows[stranger].dossier == dossier and rows[stranger].flagged  # someone else: the auditor looks


def test_a_slow_registry_fails_the_lookup_within_the_timeout_and_it_is_recorded(world, registries, settings):
    import time

    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "TIMEOUT_SECONDS": 1.0}
    consent = world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE)
    registries.faults(delay_seconds=4)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable) as caught:
        world.look_up(
            world.citizen, world.citizen.national_id, fields=FIELDS, purpose=PURPOSE, consent=consent
        )
    assert time.monotonic() - started <= 1.0 + 0.5
    assert "tự nhập thông tin" in str(caught.value)  # the manual path, in the message the page shows
    assert caught.value.lookup.outcome == Outcome.UNAVAILABLE and caught.value.lookup.duration_ms >= 900


def test_a_cached_answer_is_still_a_recorded_lookup(world, registries, settings):
    from django.core.cache import cache

    from motcua.registries import adapters

    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "CACHE_SECONDS": 30}
    cache.delete(adapters.cache_key("population", world.citizen.national_id, FIELDS))
    consent = world.consent(world.citizen, fields=FIELDS, purpose=PURPOSE)
    first, second = (
        world.look_up(
            world.citizen, world.citizen.national_id, fields=FIELDS, purpose=PURPOSE, consent=consent
        )
        for _ in range(2)
    )
    assert first.values == second.values and (first.cached, second.cached) == (False, True)
    assert list(Lookup.objects.order_by("id").values_list("cached", flat=True)) == [False, True]
    assert len(registries.requests()) == 1
    cache.delete(adapters.cache_key("population", world.citizen.national_id, FIELDS))


def test_control_characters_are_refused_and_the_attempt_is_still_recorded(world, registries):
    with pytest.raises(DomainError) as caught:
        world.consent(world.citizen, fields=FIELDS, purpose="Đăng ký\x00kết hôn", text="Tôi đồng ý.")
    assert caught.value.code == "text.invalid" and caught.value.field == "purpose"
    assert not Consent.objects.exists()
    with pytest.raises(DomainError) as caught:
        world.look_up(
            world.officer,
            "0460\x0085001234",
            fields=FIELDS,
            purpose="Kiểm tra\x00",
            legal_basis="Điều 19\x00",
        )
    assert caught.value.code == "registries.bad_identifier"
    row = Lookup.objects.get()
    assert "\x00" not in row.identifier + row.purpose + row.legal_basis and "\ufffd" in row.identifier


@pytest.mark.parametrize(
    ("by_staff", "in_dossier", "subject_id", "drafted", "expected"),
    [
        (False, False, "046195001234", False, False),  # a citizen's own lookup
        (True, False, "046195001234", False, True),  # staff, outside a dossier
        (True, True, "079000000001", False, False),  # staff, in a dossier: made for it, about anyone
        (True, True, "046195001234", True, False),  # on the draft, about the dossier's applicant
        (True, True, "046190000009", True, False),  # on the draft, about the person it concerns
        (True, True, "079000000001", True, True),  # on the draft, about someone else
        (True, True, "", True, True),  # on the draft, a business or a parcel (no person)
    ],
)
def test_one_rule_decides_which_lookups_wait_for_the_auditor(
    by_staff, in_dossier, subject_id, drafted, expected
):
    dossier = Dossier(applicant_id_number="046195001234", concerned_id_number="046190000009")
    assert (
        services.flagged(
            by_staff=by_staff, dossier=dossier if in_dossier else None, subject_id=subject_id, drafted=drafted
        )
        is expected
    )
