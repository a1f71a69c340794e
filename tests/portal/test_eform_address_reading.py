"""The e-form's address widget reads a whole typed address into the 2025 units (issue 14): the commune
the text names is chosen, the text keeps the street, and the citizen checks it before sending again."""

from __future__ import annotations

from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.portal.models import FormDraft

from .test_eform import BIRTH, birth_procedure, logged_in, make_citizen, submit_birth


def test_a_whole_old_address_gets_its_2025_ward_chosen_and_the_form_comes_back_to_be_checked(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)

    response = submit_birth(
        client, applicant_address="12 Lê Lợi, P. Vĩnh Ninh, TP. Huế", applicant_address__unit=""
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="address-note-applicant_address"' in html
    assert "Phường Thuận Hóa, Thành phố Huế (trước đây: Phường Vĩnh Ninh, Quận Thuận Hóa)" in html
    assert 'name="applicant_address" value="12 Lê Lợi"' in html
    assert '<option value="19789" selected>' in html
    assert not Dossier.objects.filter(applicant_id_number="046195001234").exists()
    draft = FormDraft.objects.get(user=citizen)
    assert draft.data["applicant_address__unit"] == "19789"


def test_sent_again_as_proposed_the_dossier_carries_the_2025_address(db):
    birth_procedure()
    client = logged_in(make_citizen())
    submit_birth(client, applicant_address="12 Lê Lợi, P. Vĩnh Ninh, TP. Huế", applicant_address__unit="")

    response = submit_birth(client, applicant_address="12 Lê Lợi", applicant_address__unit="19789")

    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number="046195001234")
    assert dossier.form_data["applicant_address"] == "12 Lê Lợi, Phường Thuận Hóa"


def test_an_ambiguous_address_is_explained_and_left_as_typed(db):
    birth_procedure()
    client = logged_in(make_citizen())

    response = submit_birth(
        client,
        applicant_address="Thôn 2, Xã Hương Phong, TP Huế",
        applicant_address__unit="",
        child_name=None,
    )

    html = response.content.decode()
    assert "có thể thuộc một trong các xã, phường" in html
    assert "Phường Hóa Châu" in html and "Xã A Lưới 4" in html
    assert 'name="applicant_address" value="Thôn 2, Xã Hương Phong, TP Huế"' in html


def test_a_chosen_commune_is_never_overridden(db):
    birth_procedure()
    client = logged_in(make_citizen())
    response = submit_birth(
        client, applicant_address="12 Lê Lợi, P. Vĩnh Ninh", applicant_address__unit="19753"
    )
    assert response.status_code == 302
    assert reverse("portal:eform", args=[BIRTH]) not in response["Location"]
