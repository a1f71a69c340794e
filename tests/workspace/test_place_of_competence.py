"""At the counter the place is asked as the law names it, and the officer sees which fact routed the
dossier ("Thẩm quyền theo: <field>: <commune>")."""

from __future__ import annotations

import pytest

from counter_declaration import declaration_of
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups
from motcua.dossiers.models import Dossier

from .conftest import log_in, officer, on_paper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def birth_on_paper(hue):
    on_paper(hue.on, "1.001193")


URL = "/can-bo/tiep-nhan/"
BIRTH = "1.001193"
SIGNATURE = "2.000884"
QR = "046160001111|191234567|Phan Thị Lan|15031960|Nữ|12 Lê Lợi, Phường Phú Xuân, Thành phố Huế|01072021"


def procedure(code: str) -> Procedure:
    found = Procedure.objects.filter(code=code).first()
    if found is None:
        pytest.skip("needs the sample catalog")
    return found


def birth_form(hue, **extra):
    version = lookups.version_in_force(procedure=procedure(BIRTH), on=hue.on)
    return {
        "point": hue.point_phu_xuan.pk,
        "procedure": BIRTH,
        "idempotency_key": "counter-birth-1",
        "cccd_qr": QR,
        "document": [d.code for d in version.documents.filter(mandatory=True)],
        "decision": "accept",
        # The declaration; the fee reads the date of birth (free within 60 days, Luật Hộ tịch Art. 11).
        **declaration_of(procedure(BIRTH), on=hue.on, unit_code=hue.phu_vang.code),
        "child_birth_date": hue.on.isoformat(),
        **extra,
    }


def test_the_counter_asks_the_parents_residence_in_the_words_of_the_form_and_no_generic_place(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL, {"procedure": BIRTH}).content.decode()
    assert "Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ" in page
    assert 'name="place_parent_residence_unit"' in page
    assert 'name="place"' not in page


def test_a_procedure_whose_rule_names_no_field_keeps_the_single_place_select(client, hue):
    procedure(SIGNATURE)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL, {"procedure": SIGNATURE}).content.decode()
    assert 'name="place"' in page and "Xã, phường giải quyết hồ sơ" in page
    assert 'name="place_' not in page


def test_a_birth_handed_in_at_phu_xuan_by_a_grandmother_goes_to_the_parents_commune_and_says_why(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, birth_form(hue, place_parent_residence_unit=hue.phu_vang.code), follow=True)
    dossier = Dossier.objects.get(applicant_id_number="046160001111")
    assert dossier.reception_point == hue.point_phu_xuan
    assert dossier.competent_agency == hue.ubnd_phu_vang
    assert "12 Lê Lợi, Phường Phú Xuân" in dossier.applicant_address
    page = response.content.decode()
    assert "Thẩm quyền theo" in page
    assert f"Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ: {hue.phu_vang.name}" in page


def test_a_birth_without_the_parents_residence_is_refused_beside_that_field(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, birth_form(hue))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="place-parent_residence_unit-error"' in page
    assert "Vui lòng chọn Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ" in page
    assert not Dossier.objects.filter(applicant_id_number="046160001111").exists()


def test_a_dossier_received_before_the_field_was_recorded_shows_the_old_wording(client, hue):
    dossier = hue.receive()
    Dossier.objects.filter(pk=dossier.pk).update(place_field="")  # as the migration leaves old dossiers
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f"Địa bàn: {hue.phu_vang.name}" in page


def test_the_routing_fact_of_a_marriage_names_the_chosen_partys_residence(client, hue):
    dossier = hue.receive()  # the place passed explicitly fills the named field
    assert dossier.place_field == "party_residence_unit"
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f"Xã, phường, đặc khu nơi cư trú của một trong hai bên nam, nữ: {hue.phu_vang.name}" in page
