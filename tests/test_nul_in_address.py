"""A NUL character in the address is refused with 400 before any view queries the database with it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/can-bo/ho-so/%00/",
    "/can-bo/ho-so/H57-261130-0001%00/thao-tac/",
    "/can-bo/?q=%00",
    "/can-bo/?from=2026-01-01%00",
    "/dich-vu-cong/ho-so/%00/",
    "/dich-vu-cong/thu-tuc/?q=khai%00sinh",
    "/dich-vu-cong/thu-tuc/1.001193%00/",
    "/admin/org/agency/?q=%00",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_with_a_nul_character_is_a_bad_request(address):
    response = Client().get(address)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


def test_an_address_without_one_is_served_as_before():
    assert Client().get("/dich-vu-cong/thu-tuc/?q=khai+sinh").status_code == 200
