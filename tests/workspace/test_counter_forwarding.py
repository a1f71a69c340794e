"""The counter receives a dossier for a commune of another province and forwards it (Decree 118/2025,
Decree 120/2025): the outcome page with the forwarding slip, the list of forwarded records of the point."""

from __future__ import annotations

import pytest
from django.test import Client

from counter_declaration import declaration_of
from motcua.dossiers import lookups
from motcua.dossiers.models import Dossier, Forwarding
from motcua.geo.models import AdministrativeUnit
from motcua.geo.services import load_units
from motcua.outbox.models import OutboxMessage, Topic

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

URL = "/can-bo/tiep-nhan/"


def form(hue, **extra):
    version = lookups.version_in_force(procedure=hue.marriage, on=hue.on)
    return {
        "point": hue.point_phu_xuan.pk,
        "procedure": hue.marriage.code,
        "name": "Đỗ Văn Nam",
        "id_number": "001190000123",
        "address": "5 Phan Đình Phùng, Phường Ba Đình, Thành phố Hà Nội",  # the declaration asks for it
        "address_unit": "keep",
        "document": [d.code for d in version.documents.filter(mandatory=True)],
        "decision": "accept",
        "idempotency_key": "counter-forward-test",
        **declaration_of(hue.marriage, on=hue.on, unit_code=hue.phu_vang.code),
        **extra,
    }


def test_without_other_provinces_loaded_the_counter_says_so_and_keeps_nothing(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, form(hue, other_place="Phường Ba Đình"))
    assert response.status_code == 400
    assert "Chưa nạp đơn vị hành chính của các tỉnh, thành phố khác" in response.content.decode()
    assert (
        not Forwarding.objects.exists() and not Dossier.objects.filter(applicant_name="Đỗ Văn Nam").exists()
    )


def test_a_commune_of_another_province_is_received_and_forwarded_with_its_slip(client, hue):
    load_units(provinces=["01"])
    ba_dinh = AdministrativeUnit.objects.valid_on(hue.on).get(province_code="01", name="Phường Ba Đình")
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL, {"procedure": hue.marriage.code}).content.decode()
    assert '<option value="01">Thành phố Hà Nội</option>' in page

    response = client.post(URL, form(hue, other_province="01", other_place="ba dinh"), follow=True)

    forwarded = Forwarding.objects.get()
    assert not Dossier.objects.filter(applicant_name="Đỗ Văn Nam").exists()
    assert forwarded.destination_unit == ba_dinh and forwarded.reception_point == hue.point_phu_xuan
    assert forwarded.code.startswith(f"{hue.ubnd_phu_xuan.code}-")
    assert OutboxMessage.objects.filter(
        topic=Topic.DOSSIER_FORWARDING, aggregate_id=str(forwarded.pk)
    ).exists()
    html = response.content.decode()
    assert f"Đã tiếp nhận hồ sơ {forwarded.code} và lập phiếu chuyển hồ sơ đến" in html
    assert f"/can-bo/chuyen-ho-so/{forwarded.code}/phieu.pdf" in html
    assert "Không hẹn ngày trả kết quả tại đây." in html
    assert client.get(f"/can-bo/chuyen-ho-so/{forwarded.code}/phieu.pdf").content.startswith(b"%PDF")

    listing = client.get("/can-bo/chuyen-ho-so/").content.decode()
    assert forwarded.code in listing and "Phường Ba Đình" in listing

    sent = client.post(
        f"/can-bo/chuyen-ho-so/{forwarded.code}/", {"tracking_number": "EE123456785VN"}, follow=True
    )
    assert "Đã gửi qua bưu chính, số hiệu EE123456785VN" in sent.content.decode()

    # Another commune's officer neither sees it nor its slip.
    other = Client()
    log_in(other, officer("phuvang.tiepnhan"))
    assert other.get(f"/can-bo/chuyen-ho-so/{forwarded.code}/").status_code == 404
    assert forwarded.code not in other.get("/can-bo/chuyen-ho-so/").content.decode()
