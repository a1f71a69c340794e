"""The counter asks for what the fee formula reads, with the form's labels, and shows the fee before the
officer confirms; a fee that cannot be computed is an error on the page, never a fee of 0
(docs/legal-basis.md section 10)."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_declaration import declaration_of
from motcua.catalog.models import Procedure
from motcua.dossiers import lookups
from motcua.dossiers.models import Dossier

from .conftest import log_in, officer, on_paper
from .test_counter_reception import QR, form

pytestmark = pytest.mark.django_db

COUNTER = "/can-bo/tiep-nhan/"
BIRTH, COPY, SIGNATURE = "1.001193", "2.000815", "2.000884"


@pytest.fixture(autouse=True)
def birth_on_paper(hue):
    on_paper(hue.on, BIRTH)


def counter_form(hue, code: str, **extra):
    procedure = Procedure.objects.get(code=code)
    version = lookups.version_in_force(procedure=procedure, on=hue.on)
    documents = [d.code for d in version.documents.filter(mandatory=True)]
    # The parents' residence decides a birth's competent commune (Luật Hộ tịch Art. 13); other procedures
    # ignore the field.
    place = {"place_parent_residence_unit": hue.phu_vang.code}
    # The declaration block: the fee reads its fields (posted under their own names).
    typed = declaration_of(procedure, on=hue.on, unit_code=hue.phu_vang.code)
    return {**form(hue, procedure=code, cccd_qr=QR, document=documents), **place, **typed, **extra}


def born(hue, days: int) -> str:
    return (hue.on - dt.timedelta(days=days)).isoformat()


def test_birth_registration_asks_for_the_date_of_birth_with_its_label_and_no_on_time_tickbox(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(COUNTER, {"procedure": BIRTH}).content.decode()
    # In the declaration block, under the e-form's own names.
    assert 'id="f-child_birth_date" name="child_birth_date"' in page
    assert '<label for="f-child_birth_date">Ngày, tháng, năm sinh' in page
    assert 'name="applicant_poor"' in page
    assert "registered_on_time" not in page


def test_the_fee_is_shown_before_the_officer_confirms(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.post(COUNTER, counter_form(hue, COPY, pages="3", copies="2")).content.decode()
    assert 'data-testid="fee-preview"' in page
    assert 'data-testid="fee-total">10.000 đồng' in page
    assert not Dossier.objects.filter(procedure__code=COPY).exists()  # shown only, nothing registered


def test_until_the_fee_inputs_are_typed_the_page_says_which_are_missing(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(COUNTER, {"procedure": COPY}).content.decode()
    assert "Nhập các thông tin sau để tính phí, lệ phí" in page
    assert 'data-testid="fee-total"' not in page


def test_a_fixed_fee_is_shown_at_once(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(COUNTER, {"procedure": SIGNATURE}).content.decode()
    assert 'data-testid="fee-total">10.000 đồng' in page


@pytest.mark.parametrize(("days", "fee"), [(10, 0), (60, 0), (61, None)])
def test_a_birth_received_at_the_counter_pays_by_its_dates(client, hue, days, fee):
    log_in(client, officer("phuxuan.tiepnhan"))
    data = counter_form(hue, BIRTH, child_birth_date=born(hue, days), decision="accept")
    response = client.post(COUNTER, data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(procedure__code=BIRTH, applicant_id_number="046195001234")
    assert dossier.form_data["child_birth_date"] == born(hue, days)
    if fee is None:
        assert dossier.fee > 0
    else:
        assert dossier.fee == fee


def test_a_fee_that_cannot_be_computed_is_an_error_at_the_counter_and_nothing_is_kept(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    future = (hue.on + dt.timedelta(days=3)).isoformat()
    response = client.post(COUNTER, counter_form(hue, BIRTH, child_birth_date=future, decision="accept"))
    assert response.status_code == 400
    page = response.content.decode()
    # The e-form's own rule refuses it first: a birth date is never in the future (x-date, docs/catalog.md).
    assert "không được sau ngày hôm nay" in page
    assert not Dossier.objects.filter(procedure__code=BIRTH).exists()


def test_a_missing_date_of_birth_is_refused_beside_its_field(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(COUNTER, counter_form(hue, BIRTH, decision="accept", child_birth_date=""))
    assert response.status_code == 400
    assert 'data-testid="error-child_birth_date"' in response.content.decode()
    assert not Dossier.objects.filter(procedure__code=BIRTH).exists()
