"""The address reader's name index and units follow the geography's snapshot token (core.snapshots): no
query of its own once a request has read the tokens, never stale after a load or a change elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core import request_cache, snapshots
from motcua.geo.selectors import normalize_address
from motcua.geo.services import load_units

pytestmark = pytest.mark.django_db

OLD_HUE_ADDRESS = "Phường Phú Hội, TP Huế, Thừa Thiên Huế"


def test_reading_an_address_again_in_a_request_sends_no_query():
    normalize_address(OLD_HUE_ADDRESS)  # the index and the units read once in this process
    with request_cache.scope(), CaptureQueriesContext(connection) as queries:
        first = normalize_address(OLD_HUE_ADDRESS)
        again = normalize_address("phuong phu hoi thanh pho hue")
    assert first is not None and again is not None and first.commune == again.commune
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT domain, token FROM core_snapshotversion"]


def test_a_load_draws_a_new_geography_token_and_the_reader_finds_its_units():
    before = snapshots.tokens()["geo"]
    unknown = normalize_address("Phường Long An, Tây Ninh")
    assert unknown is None or unknown.province is None or unknown.province.code != "80"
    load_units(provinces=["80"])
    assert snapshots.tokens()["geo"] != before
    result = normalize_address("Phường Long An, Tây Ninh")
    assert result is not None and result.commune.name == "Phường Long An"
    assert result.province.code == "80"


def test_a_commune_renamed_by_another_process_is_read_with_its_new_name():
    assert normalize_address(OLD_HUE_ADDRESS).commune.name == "Phường Thuận Hóa"
    with connection.cursor() as cursor:  # plain SQL, as another process would: the trigger draws a token
        cursor.execute(
            "UPDATE geo_administrativeunit SET name = %s WHERE code = %s AND valid_to IS NULL",
            ["Phường Thuận Hóa Mới", "19789"],
        )
    assert normalize_address(OLD_HUE_ADDRESS).commune.name == "Phường Thuận Hóa Mới"
