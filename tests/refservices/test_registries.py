"""The reference registries (refservices.registries): records generated from the identifier, the API's
authentication and purpose header, and the test controls behind their own secret."""

from __future__ import annotations

import base64

import pytest

from refservices.registries import records
from refservices.registries.app import Config, create_app

CONFIG = Config(client_id="client", client_secret="secret", control_secret="control")


@pytest.fixture
def api():
    return create_app(CONFIG).test_client()


def auth(client_id: str = "client", secret: str = "secret") -> dict[str, str]:
    token = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Purpose": "ki%E1%BB%83m%20th%E1%BB%AD"}


def test_every_person_index_maps_to_one_id_and_back():
    ids = [records.person_id(n) for n in range(0, records.PEOPLE, 97)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 12 and i.isdigit() for i in ids)
    assert [records.person_index(i) for i in ids] == list(range(0, records.PEOPLE, 97))


def test_the_id_number_encodes_the_birth_year_and_sex():
    for n in range(0, 400, 7):
        record = records.population_record(n)
        id_number = record["id_number"]
        year = int(record["birth_date"][:4])
        assert id_number[4:6] == f"{year % 100:02d}"
        century = int(id_number[3]) // 2
        assert 1900 + 100 * century <= year < 2000 + 100 * century
        assert (int(id_number[3]) % 2 == 0) == (record["sex"] == "Nam")


def test_a_household_shares_its_address_and_lists_its_living_members():
    head = records.population_record(40)
    members = [records.population_record(n) for n in range(40, 44)]
    assert {m["permanent_address"]["text"] for m in members} == {head["permanent_address"]["text"]}
    assert {m["id_number"] for m in head["household_members"]} <= {m["id_number"] for m in members}


def test_the_documented_cases_occur_at_their_rates():
    people = [records.population_record(n) for n in range(0, 5300)]
    deceased = sum(p["vital_status"] == "deceased" for p in people) / len(people)
    moved = sum(p["previous_permanent_address"] is not None for p in people) / len(people)
    assert 0.01 < deceased < 0.03 and 0.06 < moved < 0.12


def test_the_api_needs_the_client_credentials_and_a_purpose(api):
    person = records.person_id(5)
    assert api.get(f"/api/v1/population/{person}").status_code == 401
    assert api.get(f"/api/v1/population/{person}", headers=auth(secret="wrong")).status_code == 401
    no_purpose = {"Authorization": auth()["Authorization"]}
    answer = api.get(f"/api/v1/population/{person}", headers=no_purpose)
    assert answer.status_code == 400 and answer.get_json() == {"error": "purpose_required"}
    good = api.get(f"/api/v1/population/{person}?fields=full_name", headers=auth())
    assert good.status_code == 200 and list(good.get_json()["data"]) == ["full_name"]
    unknown = api.get(f"/api/v1/population/{person}?fields=shoe_size", headers=auth())
    assert unknown.status_code == 400 and unknown.get_json()["fields"] == ["shoe_size"]


def test_the_controls_need_their_own_secret(api):
    assert api.post("/_control/faults", json={"delay_seconds": 1}).status_code == 401
    assert api.post("/_control/faults", json={"delay_seconds": 1}, headers=auth()).status_code == 401
    assert api.get("/_control/requests").status_code == 401
    control = {"X-Control-Secret": "control"}
    bad = api.post("/_control/faults", json={"fail_status": 200}, headers=control)
    assert bad.status_code == 400
    ok = api.post("/_control/faults", json={"fail_status": 503, "fail_count": 1}, headers=control)
    assert ok.get_json()["faults"]["fail_status"] == 503
    assert api.get(f"/api/v1/land/{records.examples()['parcel']}", headers=auth()).status_code == 503
    assert api.get(f"/api/v1/land/{records.examples()['parcel']}", headers=auth()).status_code == 200
    log = api.get("/_control/requests", headers=control).get_json()["data"]
    assert [entry["status"] for entry in log] == [503, 200] and log[0]["purpose"] == "kiểm thử"


def test_unknown_identifiers_and_registries_are_not_found(api):
    examples = records.examples()
    for path in (
        f"/api/v1/population/{examples['unknown_person']}",
        f"/api/v1/civil-status/{examples['unknown_person']}",
        f"/api/v1/business/{examples['unknown_business']}",
        f"/api/v1/land/{examples['unknown_parcel']}",
        "/api/v1/land/99999-1-1",
        "/api/v1/population/abc",
    ):
        assert api.get(path, headers=auth()).status_code == 404, path
    assert api.get("/api/v1/tax/123", headers=auth()).get_json() == {"error": "unknown_registry"}
