"""A NUL posted where a page looks a row up by it is a refusal, never a 500 (PostgreSQL cannot hold it)."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import LOGIN, log_in, officer

pytestmark = pytest.mark.django_db


def test_a_user_name_with_a_nul_is_a_wrong_login(hue):
    response = Client().post(LOGIN, {"username": "phuxuan.tiep\x00nhan", "password": "x"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


@pytest.mark.parametrize("field", ["procedure", "place", "place_parent_residence_unit"])
def test_a_counter_code_with_a_nul_registers_nothing(hue, field):
    from motcua.dossiers.models import Dossier

    client = Client()
    log_in(client, officer("phuxuan.tiepnhan"))
    before = Dossier.objects.count()
    data = {
        "procedure": "1.001193",
        "place": "19753",
        "place_parent_residence_unit": "19753",
        "decision": "accept",
        "applicant_name": "An",
    }
    data[field] = "1.001\x00193"
    response = client.post("/can-bo/tiep-nhan/", data)
    assert response.status_code in (200, 400)
    assert Dossier.objects.count() == before
