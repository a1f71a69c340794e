"""Story (issue 14): the counter reads the address on a CCCD QR, written before the 2025 reorganization,
and proposes the 2025 commune for the officer to confirm; once confirmed the dossier carries the address
in the 2025 units."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier

from .conftest import log_in, officer
from .test_counter_reception import URL, form, mandatory_codes

pytestmark = pytest.mark.django_db

# A CCCD issued in 2021: the address names the ward and the city as they were then.
OLD_QR = (
    "046195001234|191234567|Phan Thị Mai|15031995|Nữ|"
    "12 Lê Lợi, P. Vĩnh Ninh, TP. Huế, Thừa Thiên Huế|01072021"
)
# A căn cước issued after 1 July 2024, with fields after the seventh (kept, not relied upon).
NEW_CARD_QR = (
    "046195001234||Phan Thị Mai|15031995|Nữ|"
    "Thôn Dương Nỗ Đông, Phường Dương Nỗ, Quận Thuận Hóa, Thành phố Huế|15082024|15032035|"
)


def test_a_cccd_qr_with_a_pre_2025_address_proposes_the_2025_ward(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))

    page = client.post(URL, form(hue, cccd_qr=OLD_QR)).content.decode()

    assert 'data-testid="address-proposed"' in page
    assert "Phường Thuận Hóa, Thành phố Huế (trước đây: Phường Vĩnh Ninh, Quận Thuận Hóa)" in page
    assert '<option value="19789" selected>' in page
    assert "Nơi thường trú ghi trên Căn cước công dân (cấp ngày 01/07/2021)" in page


def test_the_confirmed_commune_is_how_the_dossier_records_the_address(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(URL, form(hue, cccd_qr=OLD_QR))  # the officer scans: the page proposes 19789

    client.post(
        URL,
        form(
            hue,
            name="Phan Thị Mai",
            id_number="046195001234",
            address="12 Lê Lợi, P. Vĩnh Ninh, TP. Huế, Thừa Thiên Huế",
            address_unit="19789",  # confirmed as proposed
            document=mandatory_codes(hue),
            decision="accept",
        ),
    )

    dossier = Dossier.objects.get(applicant_id_number="046195001234")
    assert dossier.applicant_address == "12 Lê Lợi, Phường Thuận Hóa, Thành phố Huế"


def test_keeping_the_address_as_written_changes_nothing(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(
        URL,
        form(
            hue,
            name="Phan Thị Mai",
            id_number="046195001234",
            address="12 Lê Lợi, P. Vĩnh Ninh, TP. Huế",
            address_unit="keep",
            document=mandatory_codes(hue),
            decision="accept",
        ),
    )
    assert Dossier.objects.get(applicant_id_number="046195001234").applicant_address == (
        "12 Lê Lợi, P. Vĩnh Ninh, TP. Huế"
    )


def test_a_commune_that_does_not_exist_is_refused_and_nothing_is_registered(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(
        URL,
        form(
            hue,
            name="Phan Thị Mai",
            id_number="046195001234",
            address="12 Lê Lợi, P. Vĩnh Ninh, TP. Huế",
            address_unit="19783",  # Phường Vĩnh Ninh: abolished on 1 July 2025
            document=mandatory_codes(hue),
            decision="accept",
        ),
    )
    assert response.status_code == 400
    assert "không có trong danh mục đơn vị hành chính hiện hành" in response.content.decode()
    assert not Dossier.objects.filter(applicant_id_number="046195001234").exists()


def test_a_can_cuoc_card_is_read_with_its_place_of_residence(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.post(URL, form(hue, cccd_qr=NEW_CARD_QR)).content.decode()
    assert "Nơi cư trú ghi trên Thẻ căn cước (cấp ngày 15/08/2024)" in page
    # The ward kept its name and code: no former unit to name beside it.
    assert "<strong>Phường Dương Nỗ, Thành phố Huế</strong>" in page
    assert '<option value="19909" selected>' in page


def test_an_ambiguous_address_lists_the_candidates_and_proposes_none(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.post(
        URL, form(hue, name="Lê Văn An", address="Thôn 2, Xã Hương Phong, TP Huế, Thừa Thiên Huế")
    ).content.decode()
    assert 'data-testid="address-ambiguous"' in page
    assert "Phường Hóa Châu, Thành phố Huế (trước đây: Phường Hương Phong, Quận Thuận Hóa)" in page
    assert "Xã A Lưới 4, Thành phố Huế (trước đây: Xã Hương Phong, Huyện A Lưới)" in page
    assert '<option value="keep" selected>' in page
