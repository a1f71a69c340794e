"""The dossier register page (sổ theo dõi hồ sơ, form 07): the point's officers print and export it, others
are refused; the counter asks for the number of sets and how the result is returned."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier

from .conftest import log_in, officer
from .test_counter_reception import QR, form, mandatory_codes

pytestmark = pytest.mark.django_db

URL = "/can-bo/so-theo-doi/"


def received(hue) -> Dossier:
    dossier = hue.receive()
    return services.accept(dossier=dossier, by=dossier.received_by.user)


def test_the_point_officer_exports_the_year_as_csv_and_prints_it(client, hue):
    dossier = received(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL).content.decode()
    assert hue.point_phu_xuan.name in page and hue.point_phu_vang.name not in page
    year = dossier.received_at.year
    response = client.get(URL, {"point": hue.point_phu_xuan.pk, "year": year, "format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert dossier.code in body and "Mã hồ sơ" in body
    pdf = client.get(URL, {"point": hue.point_phu_xuan.pk, "year": year, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_points_register_is_refused(client, hue):
    received(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.get(URL, {"point": hue.point_phu_vang.pk, "year": hue.on.year, "format": "csv"})
    assert response.status_code == 403
    assert "Chỉ cán bộ tiếp nhận và lãnh đạo" in response.content.decode()


def test_a_bad_year_is_answered_with_the_form_again(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.get(URL, {"point": hue.point_phu_xuan.pk, "year": "1800", "format": "csv"})
    assert response.status_code == 400


def test_the_counter_records_the_number_of_sets_and_the_delivery(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get("/can-bo/tiep-nhan/", {"procedure": hue.marriage.code}).content.decode()
    assert 'name="result_delivery"' in page and 'name="dossier_sets"' in page
    assert "Chỉ khi người yêu cầu đã từng kết hôn" in page  # a conditional document says when it is needed
    client.post(
        "/can-bo/tiep-nhan/",
        form(
            hue,
            cccd_qr=QR,
            document=mandatory_codes(hue),
            decision="accept",
            dossier_sets="2",
            result_delivery="post",
        ),
    )
    dossier = Dossier.objects.get(idempotency_key="counter-test-1")
    assert (dossier.dossier_sets, dossier.result_delivery) == (2, "post")


def test_a_bad_number_of_sets_is_shown_beside_its_input_and_nothing_is_kept(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(
        "/can-bo/tiep-nhan/",
        form(hue, cccd_qr=QR, document=mandatory_codes(hue), decision="accept", dossier_sets="abc"),
    )
    assert response.status_code == 400
    assert 'id="id_dossier_sets-error"' in response.content.decode()
    assert not Dossier.objects.filter(idempotency_key="counter-test-1").exists()
