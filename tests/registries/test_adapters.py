"""The registry clients against the reference registries running as a real process."""

from __future__ import annotations

import time

import pytest
import requests

from motcua.registries import adapters
from motcua.registries.adapters import RecordNotFound, RegistryAuthRefused, RegistryUnavailable, client_for
from motcua.registries.fields import REGISTRY_FIELDS
from refservices.registries import records

PURPOSE = "Đăng ký thường trú"


@pytest.fixture
def examples():
    return records.examples()


def test_population_record_has_every_field_and_the_purpose_reaches_the_registry(registries, examples):
    data = client_for("population").fetch(examples["person"], purpose=PURPOSE)
    assert set(REGISTRY_FIELDS["population"]) <= set(data)
    assert data["id_number"] == examples["person"]
    assert data["vital_status"] == "alive"
    assert data["full_name"].count(" ") >= 2
    assert data["permanent_address"]["text"]
    assert any(m["id_number"] == examples["person"] for m in data["household_members"])
    call = registries.requests()[-1]
    assert call["purpose"] == PURPOSE and call["status"] == 200


def test_only_the_fields_asked_for_come_back(registries, examples):
    data = client_for("population").fetch(
        examples["person"], purpose=PURPOSE, fields=["full_name", "birth_date"]
    )
    assert set(data) == {"full_name", "birth_date"}
    assert registries.requests()[-1]["fields"] == ["full_name", "birth_date"]


def test_the_same_identifier_always_answers_the_same_record(registries, examples):
    first = client_for("population").fetch(examples["person"], purpose=PURPOSE)
    second = client_for("population").fetch(examples["person"], purpose=PURPOSE)
    assert first == second


@pytest.mark.parametrize("n", [0, 1, 4_999, 50_001, 99_999])
def test_the_hundred_thousand_people_exist(registries, n):
    data = client_for("population").fetch(records.person_id(n), purpose=PURPOSE, fields=["id_number"])
    assert data == {"id_number": records.person_id(n)}


def test_a_person_past_the_range_does_not_exist():
    with pytest.raises(ValueError):
        records.person_id(records.PEOPLE)
    assert records.person_index(records.unknown_person_id()) is None


def test_the_demo_citizens_of_the_e_id_provider_exist_with_their_names(registries):
    from refservices.idp.citizens import CITIZENS

    for citizen in CITIZENS:
        data = client_for("population").fetch(citizen.national_id, purpose=PURPOSE, fields=["full_name"])
        assert data["full_name"] == citizen.full_name


def test_unknown_person_is_not_found(registries, examples):
    with pytest.raises(RecordNotFound) as caught:
        client_for("population").fetch(examples["unknown_person"], purpose=PURPOSE)
    assert caught.value.code == "registries.not_found"
    assert "Cơ sở dữ liệu quốc gia về dân cư" in str(caught.value)


def test_a_deceased_person_is_marked_with_the_date_and_a_death_record(registries, examples):
    data = client_for("population").fetch(examples["deceased"], purpose=PURPOSE)
    assert data["vital_status"] == "deceased" and data["death_date"]
    civil = client_for("civil_status").fetch(examples["deceased"], purpose=PURPOSE)
    assert civil["death"]["died_on"] == data["death_date"]
    assert civil["marital_status"] == "Đã chết"


def test_a_moved_household_keeps_its_previous_permanent_residence(registries, examples):
    data = client_for("population").fetch(examples["moved"], purpose=PURPOSE)
    assert data["previous_permanent_address"]["text"]
    assert data["moved_on"]
    assert data["previous_permanent_address"]["text"] != data["permanent_address"]["text"]


def test_some_records_still_carry_pre_2025_addresses(registries, examples):
    data = client_for("population").fetch(examples["pre_2025_address"], purpose=PURPOSE)
    address = data["permanent_address"]
    assert address["district"], address  # a district: only addresses written before July 2025 name one
    # Across many people: both ways of writing occur, as in real records.
    written = [records.population_record(n)["permanent_address"]["district"] != "" for n in range(0, 4000, 4)]
    assert 0.1 < sum(written) / len(written) < 0.5


def test_someone_living_elsewhere_has_another_current_address(registries, examples):
    data = client_for("population").fetch(examples["lives_elsewhere"], purpose=PURPOSE)
    assert data["current_address"]["text"] != data["permanent_address"]["text"]


def test_business_by_enterprise_code(registries, examples):
    data = client_for("business").fetch(examples["business"], purpose=PURPOSE)
    assert data["enterprise_code"] == examples["business"]
    assert data["status"] == "Đang hoạt động"
    assert data["legal_representative"] and records.person_index(data["legal_representative_id"]) is not None
    dissolved = client_for("business").fetch(
        examples["dissolved_business"], purpose=PURPOSE, fields=["status"]
    )
    assert dissolved == {"status": "Đã giải thể"}
    with pytest.raises(RecordNotFound):
        client_for("business").fetch(examples["unknown_business"], purpose=PURPOSE)
    assert records.business_index(records.business_code(records.BUSINESSES - 1)) == records.BUSINESSES - 1


def test_land_parcel_by_commune_sheet_and_number(registries, examples):
    data = client_for("land").fetch(examples["parcel"], purpose=PURPOSE)
    assert data["commune_code"] == examples["parcel"].split("-")[0]
    assert data["area_m2"] > 0 and data["holder_name"]
    assert records.person_index(data["holder_id_number"]) is not None
    with pytest.raises(RecordNotFound):
        client_for("land").fetch(examples["unknown_parcel"], purpose=PURPOSE)


def test_civil_status_birth_and_marriage_records(registries, examples):
    data = client_for("civil_status").fetch(examples["person"], purpose=PURPOSE)
    assert data["birth"]["registered_at"].startswith("UBND")
    assert data["marriage"]["spouse_id_number"]
    spouse = client_for("civil_status").fetch(data["marriage"]["spouse_id_number"], purpose=PURPOSE)
    assert spouse["marriage"]["spouse_id_number"] == examples["person"]


def test_wrong_client_secret_is_refused(registries, examples, settings):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "CLIENT_SECRET": "not-the-secret"}
    with pytest.raises(RegistryAuthRefused):
        client_for("population").fetch(examples["person"], purpose=PURPOSE)
    assert registries.requests()[-1]["status"] == 401


def test_the_registry_refuses_a_call_without_purpose(registries, examples):
    answer = requests.get(
        f"{registries.url}/api/v1/population/{examples['person']}",
        auth=(registries.client_id, registries.client_secret),
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json() == {"error": "purpose_required"}
    unauthenticated = requests.get(
        f"{registries.url}/api/v1/population/{examples['person']}", headers={"X-Purpose": "x"}, timeout=5
    )
    assert unauthenticated.status_code == 401


def test_a_slow_registry_never_makes_the_caller_wait_past_the_timeout(registries, examples, settings):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "TIMEOUT_SECONDS": 1.0}
    registries.faults(delay_seconds=5)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable) as caught:
        client_for("population").fetch(examples["person"], purpose=PURPOSE)
    elapsed = time.monotonic() - started
    assert elapsed <= 1.0 + 0.5, elapsed
    assert caught.value.code == "registries.unavailable"


def test_a_passing_server_error_is_retried(registries, examples):
    registries.faults(fail_status=503, fail_count=2)
    data = client_for("population").fetch(examples["person"], purpose=PURPOSE, fields=["full_name"])
    assert data["full_name"]
    assert [c["status"] for c in registries.requests()] == [503, 503, 200]


def test_a_stopped_registry_is_unavailable(registries, examples):
    registries.stop()
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        client_for("population").fetch(examples["person"], purpose=PURPOSE)
    assert time.monotonic() - started <= 2.0 + 0.5


def test_the_breaker_opens_after_failed_lookups_and_fails_at_once(registries, examples, settings):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "BREAKER_FAILURES": 3, "ATTEMPTS": 1}
    registries.faults(fail_status=500)
    for _ in range(3):
        with pytest.raises(RegistryUnavailable):
            client_for("business").fetch(examples["business"], purpose=PURPOSE)
    assert adapters.breaker_state("business") == "open"
    registries.clear_faults()
    registries.forget_requests()
    with pytest.raises(RegistryUnavailable) as caught:
        client_for("business").fetch(examples["business"], purpose=PURPOSE)
    assert "breaker" in caught.value.reason
    assert registries.requests() == []  # not even tried
    # Other registries are not affected.
    assert client_for("population").fetch(examples["person"], purpose=PURPOSE, fields=["sex"])


def test_not_found_does_not_open_the_breaker(registries, examples, settings):
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "BREAKER_FAILURES": 2}
    for _ in range(4):
        with pytest.raises(RecordNotFound):
            client_for("population").fetch(examples["unknown_person"], purpose=PURPOSE)
    assert adapters.breaker_state("population") == "closed"


def test_answers_are_cached_for_the_configured_seconds(registries, examples, settings):
    from django.core.cache import cache

    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "CACHE_SECONDS": 30}
    cache.delete(adapters.cache_key("population", examples["person"], ["full_name"]))
    client = client_for("population")
    first, cached_first = client.fetch_with_source(examples["person"], purpose=PURPOSE, fields=["full_name"])
    second, cached_second = client.fetch_with_source(
        examples["person"], purpose=PURPOSE, fields=["full_name"]
    )
    assert first == second and (cached_first, cached_second) == (False, True)
    assert len(registries.requests()) == 1
    cache.delete(adapters.cache_key("population", examples["person"], ["full_name"]))


def test_unconfigured_registries_are_unavailable(settings, examples):
    settings.MOTCUA_REGISTRIES = {"URL": ""}
    with pytest.raises(RegistryUnavailable):
        client_for("land").fetch(examples["parcel"], purpose=PURPOSE)


def test_after_the_reset_time_one_lookup_probes_and_a_good_answer_closes_the_breaker(
    registries, examples, settings
):
    settings.MOTCUA_REGISTRIES = {
        **settings.MOTCUA_REGISTRIES,
        "BREAKER_FAILURES": 2,
        "BREAKER_RESET_SECONDS": 0.5,
        "ATTEMPTS": 1,
    }
    registries.faults(fail_status=502)
    for _ in range(2):
        with pytest.raises(RegistryUnavailable):
            client_for("land").fetch(examples["parcel"], purpose=PURPOSE)
    assert adapters.breaker_state("land") == "open"
    registries.clear_faults()
    time.sleep(0.6)
    assert client_for("land").fetch(examples["parcel"], purpose=PURPOSE, fields=["area_m2"])["area_m2"] > 0
    assert adapters.breaker_state("land") == "closed"


def test_backoff_never_pushes_a_lookup_past_the_timeout(registries, examples, settings):
    # Every attempt fails at once; long backoffs would sleep past the budget: they are cut to it.
    settings.MOTCUA_REGISTRIES = {
        **settings.MOTCUA_REGISTRIES,
        "TIMEOUT_SECONDS": 0.8,
        "ATTEMPTS": 10,
        "BACKOFF_SECONDS": 0.5,
    }
    registries.faults(fail_status=503)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        client_for("population").fetch(examples["person"], purpose=PURPOSE)
    assert time.monotonic() - started <= 0.8 + 0.3
    assert 1 <= len(registries.requests()) < 10


def test_an_answer_trickling_in_is_cut_at_the_timeout(registries, examples, settings):
    # Each part arrives well within the read timeout; only the overall deadline stops the wait.
    settings.MOTCUA_REGISTRIES = {**settings.MOTCUA_REGISTRIES, "TIMEOUT_SECONDS": 1.0, "ATTEMPTS": 1}
    registries.faults(trickle_seconds=6)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        client_for("population").fetch(examples["person"], purpose=PURPOSE)
    assert time.monotonic() - started <= 1.0 + 0.5
