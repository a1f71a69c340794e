"""Declaration entry at the counter (issue 17 item 8): the officer types the applicant's tờ khai into the
procedure's own e-form, prefilled from the CCCD QR; it is saved as the dossier's form data at reception and
shown on the officer's dossier page and in the result document; a refused declaration writes nothing; a
required document left unticked is marked at its checkbox, with an error summary at the top."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_declaration import declaration_of
from motcua.catalog.forms import FormInvalid
from motcua.catalog.models import Procedure
from motcua.core import snapshots
from motcua.dossiers import lookups, services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ApplicantInfo, DocumentInput
from motcua.outbox.models import OutboxMessage
from motcua.signing.documents.context import Signer, context_for_dossier

from .conftest import log_in, officer, on_paper
from .test_counter_reception import QR

pytestmark = pytest.mark.django_db

URL = "/can-bo/tiep-nhan/"
BIRTH = "1.001193"
SIGNER = Signer(authority="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="Nguyễn Văn Ký")


@pytest.fixture(autouse=True)
def birth_on_paper(hue):
    on_paper(hue.on, BIRTH)


def birth(hue) -> Procedure:
    return Procedure.objects.get(code=BIRTH)


def walk_in(hue, **typed):
    """A mother registers her newborn's birth at Phú Xuân for the parents' commune, Phú Vang."""
    version = lookups.version_in_force(procedure=birth(hue), on=hue.on)
    return {
        "point": hue.point_phu_xuan.pk,
        "procedure": BIRTH,
        "idempotency_key": "counter-declaration-1",
        "cccd_qr": QR,
        "document": [d.code for d in version.documents.filter(mandatory=True)],
        "place_parent_residence_unit": hue.phu_vang.code,
        "decision": "accept",
        **declaration_of(birth(hue), on=hue.on, unit_code=hue.phu_vang.code),
        "child_name": "Lê Minh Khang",
        "child_birth_date": (hue.on - dt.timedelta(days=12)).isoformat(),
        "child_sex": "Nam",
        "child_birth_place": "Bệnh viện Trung ương Huế",
        "mother_name": "Phan Thị Mai",
        "father_name": "Lê Văn Hùng",
        **typed,
    }


def counts() -> tuple[int, int, int]:
    return Dossier.objects.count(), DossierEvent.objects.count(), OutboxMessage.objects.count()


def test_choosing_a_procedure_shows_its_e_form_after_the_checklist_without_asking_the_applicant_twice(
    client, hue
):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL, {"procedure": BIRTH}).content.decode()
    assert 'data-testid="declaration"' in page
    assert page.index('name="document"') < page.index('data-testid="declaration"')
    assert 'name="child_name"' in page and 'name="child_birth_date"' in page and 'name="mother_name"' in page
    # The applicant's name, number and address are the "Chủ hồ sơ" block's, not asked again.
    assert 'name="applicant_name"' not in page and 'name="applicant_id_number"' not in page
    # The parents' commune is the place picker of the first section, not a second select.
    assert (
        page.count('name="place_parent_residence_unit"') == 1 and 'name="parent_residence_unit"' not in page
    )


def test_the_declaration_is_saved_at_reception_and_shown_on_the_dossier_page_and_in_the_result(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, walk_in(hue), follow=True)
    dossier = Dossier.objects.get(procedure__code=BIRTH, applicant_id_number="046195001234")
    assert dossier.form_data["child_name"] == "Lê Minh Khang"
    assert dossier.form_data["child_birth_date"] == (hue.on - dt.timedelta(days=12)).isoformat()
    assert dossier.form_data["mother_name"] == "Phan Thị Mai"
    # The applicant block is the declaration's applicant, from the CCCD.
    assert dossier.form_data["applicant_name"] == "Phan Thị Mai"
    assert dossier.form_data["applicant_id_number"] == "046195001234"
    assert dossier.fee == 0  # registered within 60 days of the birth: the fee read the declared date
    page = response.content.decode()
    assert "Lê Minh Khang" in page and "Bệnh viện Trung ương Huế" in page
    document = context_for_dossier(
        dossier, kind="result", number="1", issued_on=hue.on, verify_url="", signer=SIGNER
    )
    assert {"label": "Họ, chữ đệm, tên người được khai sinh", "value": "Lê Minh Khang"}.items() <= next(
        row for row in document["fields"] if row["name"] == "child_name"
    ).items()


def test_an_invalid_declaration_is_refused_beside_its_fields_and_nothing_is_written(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = counts()
    response = client.post(URL, walk_in(hue, child_name="", child_sex="Khác"))
    assert response.status_code == 400
    assert counts() == before
    page = response.content.decode()
    assert 'data-testid="error-child_name"' in page and 'data-testid="error-child_sex"' in page
    # The GOV.UK pattern: "Lỗi:" in the title, a summary at the top linking to each field.
    assert "<title>Lỗi:" in page
    summary = page[page.index('data-testid="error-summary"') : page.index("<h1>")]
    assert 'href="#f-child_name"' in summary and 'href="#f-child_sex"' in summary
    # What was typed comes back.
    assert 'value="Bệnh viện Trung ương Huế"' in page


def test_an_empty_declaration_still_lets_the_officer_ask_for_a_supplement(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    typed = walk_in(hue, decision="supplement", reason="Thiếu giấy chứng sinh", child_name="", mother_name="")
    response = client.post(URL, {**typed, "document": []})
    assert response.status_code == 302
    dossier = Dossier.objects.get(procedure__code=BIRTH)
    assert dossier.form_data["child_birth_date"] == typed["child_birth_date"]


def test_a_malformed_value_blocks_even_a_supplement_request(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = counts()
    typed = walk_in(hue, decision="supplement", reason="Thiếu giấy chứng sinh", child_birth_date="15/13/2025")
    response = client.post(URL, typed)
    assert response.status_code == 400
    assert 'data-testid="error-child_birth_date"' in response.content.decode()
    assert counts() == before


def test_a_required_document_left_unticked_is_marked_at_its_checkbox_and_listed_at_the_top(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = counts()
    response = client.post(URL, walk_in(hue, document=["to_khai"]))
    assert response.status_code == 400
    assert counts() == before
    page = response.content.decode()
    marker = 'data-testid="missing-giay_chung_sinh"'
    assert marker in page
    box = page.index('id="document-giay_chung_sinh"')
    assert page.index(marker) < box  # the message sits with its checkbox, before it (label, message, input)
    assert 'aria-describedby="document-giay_chung_sinh-error"' in page
    summary = page[page.index('data-testid="error-summary"') : page.index("<h1>")]
    assert 'href="#document-giay_chung_sinh"' in summary


def test_missing_documents_and_declaration_errors_are_shown_together(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, walk_in(hue, document=["to_khai"], child_name=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="missing-giay_chung_sinh"' in page and 'data-testid="error-child_name"' in page


def test_the_cccd_prefills_the_applicants_birth_date_and_sex_where_the_form_has_them(client, hue):
    version = lookups.version_in_force(procedure=birth(hue), on=hue.on)
    schema = dict(version.form_schema)
    schema["properties"] = {
        **schema["properties"],
        "applicant_birth_date": {"title": "Ngày sinh người yêu cầu", "type": "string", "format": "date"},
        "applicant_sex": {"title": "Giới tính người yêu cầu", "type": "string", "enum": ["Nam", "Nữ"]},
    }
    # A schema with the applicant's birth date and sex (the convention names them): written past the rule
    # that a published version is not edited, as a new version would carry it.
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)
    snapshots.clear()
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.post(
        URL, {"point": hue.point_phu_xuan.pk, "procedure": BIRTH, "cccd_qr": QR}
    ).content.decode()
    assert 'value="Phan Thị Mai"' in page  # the applicant block
    assert 'id="f-applicant_birth_date" name="applicant_birth_date" value="15/03/1995"' in page
    assert '<option value="Nữ" selected>' in page
    assert not Dossier.objects.exists()


def test_assisted_submission_fills_the_e_forms_applicant_fields_from_the_cccd(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    scanned = {"point": hue.point_phu_xuan.pk, "procedure": BIRTH, "cccd_qr": QR}
    page = client.post("/can-bo/ho-tro-nop/", scanned).content.decode()
    assert 'id="f-applicant_name" name="applicant_name" value="Phan Thị Mai"' in page
    assert 'id="f-applicant_id_number" name="applicant_id_number" value="046195001234"' in page
    assert not Dossier.objects.exists()


def test_an_applicant_error_comes_with_the_declarations_and_the_checklists(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = counts()
    response = client.post(URL, walk_in(hue, email="not an address", child_name="", document=["to_khai"]))
    assert response.status_code == 400
    assert counts() == before
    page = response.content.decode()
    assert 'id="id_email-error"' in page
    assert 'data-testid="error-child_name"' in page and 'data-testid="missing-giay_chung_sinh"' in page


def test_the_engine_checks_the_declaration_for_every_caller_not_only_the_counter_page(hue):
    """``services.receive_and_decide`` (what the page, an API or a command calls) refuses a declaration the
    e-form refuses: complete to accept, only what was typed to ask for a supplement; nothing is written."""
    version = lookups.version_in_force(procedure=birth(hue), on=hue.on)
    inputs = {
        "by": officer("phuxuan.tiepnhan"),
        "reception_point": hue.point_phu_xuan,
        "procedure": birth(hue),
        "applicant_info": ApplicantInfo(name="Phan Thị Mai", id_number="046195001234"),
        "documents": [DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)],
    }
    typed = {
        "parent_residence_unit": hue.phu_vang.code,
        "child_sex": "Khác",
        "child_birth_place_unit": "99999",
    }
    missing = [inputs["documents"][0].code]
    before = counts()
    with pytest.raises(FormInvalid) as refused:
        services.receive_and_decide(decision=services.CounterDecision.ACCEPT, form_data=typed, **inputs)
    fields = {problem.field for problem in refused.value.problems}
    assert {"child_name", "child_sex"} <= fields and "parent_residence_unit" not in fields
    assert counts() == before
    with pytest.raises(FormInvalid) as malformed:  # a supplement too: what was typed must be right
        services.receive_and_decide(
            decision=services.CounterDecision.SUPPLEMENT,
            form_data=typed,
            reason="Thiếu tờ khai",
            missing=missing,
            **inputs,
        )
    assert "child_name" not in {problem.field for problem in malformed.value.problems}
    assert counts() == before
    dossier = services.receive_and_decide(
        decision=services.CounterDecision.SUPPLEMENT,
        # An incomplete declaration is what the supplement asks for (the fee reads the birth date).
        form_data={"parent_residence_unit": hue.phu_vang.code, "child_birth_date": hue.on.isoformat()},
        reason="Thiếu tờ khai",
        missing=missing,
        **inputs,
    )
    assert dossier.form_data["parent_residence_unit"] == hue.phu_vang.code
