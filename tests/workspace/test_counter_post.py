"""At the counter the officer records that the result goes by post, and where (Decision 45/2016/QĐ-TTg)."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier

from .conftest import log_in, officer
from .test_counter_reception import QR, URL, form, mandatory_codes

pytestmark = pytest.mark.django_db


def test_the_counter_form_asks_for_the_postal_address(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL, {"procedure": hue.marriage.code}).content.decode()
    assert 'name="delivery_address"' in page and '<option value="post"' in page


def test_a_result_by_post_is_recorded_with_its_address(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(
        URL,
        form(
            hue,
            cccd_qr=QR,
            document=mandatory_codes(hue),
            decision="accept",
            result_delivery="post",
            delivery_address="9 Nguyễn Huệ, phường Thuận Hóa",
        ),
    )
    dossier = Dossier.objects.get(applicant_id_number="046195001234")
    assert (dossier.result_delivery, dossier.delivery_address) == ("post", "9 Nguyễn Huệ, phường Thuận Hóa")
