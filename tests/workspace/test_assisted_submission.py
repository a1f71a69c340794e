"""The counter under Directive 24/CT-TTg: paper is refused for an online-only procedure (birth registration
here, as the sample catalog ships it), the officer fills the e-form with the citizen instead, and the citizen
confirms on the spot or with the national e-ID; when the e-ID provider (the reference provider, a separate
process on loopback) does not answer, the dossier is recorded offline and submitted once it answers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers.constants import Channel, Confirmation, EventKind, OfflineReason, State
from motcua.dossiers.models import Dossier
from motcua.integrations import online_path
from motcua.integrations.tasks import submit_offline_dossiers
from motcua.portal import oidc
from pdf_samples import CLEAN_PDF as PDF
from refservices.idp.process import free_port, running_idp

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"  # Đăng ký khai sinh: online-only from 01/10/2025 in the sample catalog
# The e-form field the competence rule names as carrying the place (CompetenceRule.place_fields).
PLACE_FIELD = "parent_residence_unit"
URL = "/can-bo/ho-tro-nop/"
ID = "046195001234"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with running_idp(state_dir=tmp_path_factory.mktemp("idp")) as running:
        yield running


@pytest.fixture
def eid_up(idp, settings):
    settings.MOTCUA_OIDC_ISSUER = idp.issuer
    oidc.forget_clients()
    yield idp
    oidc.forget_clients()


@pytest.fixture
def eid_down(settings):
    settings.MOTCUA_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.MOTCUA_ONLINE_PROBE_TIMEOUT_SECONDS = 1


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def e_form(hue, **extra):
    """What the officer and the citizen fill in together, as the page posts it."""
    if not Procedure.objects.filter(code=BIRTH).exists():
        pytest.skip("sample catalog without birth registration")
    return {
        "point": hue.point_phu_xuan.pk,
        "procedure": BIRTH,
        "idempotency_key": "assisted-test-1",
        "name": "Phan Thị Mai",
        "id_number": ID,
        "phone": "0914000111",
        "applicant_name": "Phan Thị Mai",
        "applicant_id_number": ID,
        "applicant_phone": "0914000111",
        "applicant_address": "12 Lê Lợi",
        "applicant_address__unit": "19942",
        "child_name": "Lê Minh An",
        "child_birth_date": "2026-11-20",
        "child_sex": "Nam",
        "child_birth_place": "Bệnh viện Trung ương Huế",
        "mother_name": "Phan Thị Mai",
        PLACE_FIELD: hue.phu_vang.code,  # the place of competence: the e-form's own commune picker
        "scan_giay_chung_sinh": SimpleUploadedFile("chung-sinh.pdf", PDF, content_type="application/pdf"),
        "confirmation": Confirmation.ON_THE_SPOT,
        "citizen_confirmed": "1",
        "submit": "1",
        **extra,
    }


def test_the_counter_refuses_paper_for_an_online_only_procedure_and_points_to_assisted_submission(
    client, hue
):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"/can-bo/tiep-nhan/?procedure={BIRTH}").content.decode()
    assert 'data-testid="online-only"' in page and f"/can-bo/ho-tro-nop/?procedure={BIRTH}" in page
    before = Dossier.objects.count()
    response = client.post(
        "/can-bo/tiep-nhan/",
        {
            "point": hue.point_phu_xuan.pk,
            "procedure": BIRTH,
            f"place_{PLACE_FIELD}": hue.phu_vang.code,
            "name": "Phan Thị Mai",
            "document": ["to_khai", "giay_chung_sinh"],
            "decision": "accept",
            "idempotency_key": "paper-1",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "chỉ tiếp nhận hồ sơ trực tuyến" in text and "Hỗ trợ nộp hồ sơ trực tuyến" in text
    assert Dossier.objects.count() == before


def test_assisted_submission_confirmed_on_the_spot_is_an_online_dossier(client, hue, eid_up, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(f"{URL}?procedure={BIRTH}").content.decode()
    assert 'name="child_name"' in page and 'data-testid="online-only"' in page
    # The place is the e-form's commune picker the competence rule names, not a separate one.
    assert f'name="{PLACE_FIELD}"' in page and 'name="place"' not in page
    response = client.post(URL, e_form(hue))
    dossier = Dossier.objects.get(applicant_id_number=ID)
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert dossier.channel == Channel.ONLINE and dossier.state == State.SUBMITTED
    assert dossier.assisted_by is not None and dossier.assisted_by.user.username == "phuxuan.tiepnhan"
    assert dossier.reception_point == hue.point_phu_xuan and dossier.competent_agency == hue.ubnd_phu_vang
    assert dossier.confirmation == Confirmation.ON_THE_SPOT and dossier.confirmed_at is not None
    assert dossier.form_data["child_name"] == "Lê Minh An"
    scan = dossier.documents.get(code="giay_chung_sinh")
    assert scan.digitized and scan.source == "file"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="assisted"' in page and "xác nhận tại quầy" in page


def test_on_the_spot_without_the_confirmation_tick_keeps_nothing_and_keeps_what_was_typed(
    client, hue, eid_up, media
):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, e_form(hue, citizen_confirmed=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "đã đọc lại và đồng ý" in page and 'value="Lê Minh An"' in page
    assert not Dossier.objects.filter(applicant_id_number=ID).exists()


def test_a_missing_e_form_field_is_shown_beside_it(client, hue, eid_up, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, e_form(hue, child_name=""))
    assert response.status_code == 400
    assert 'data-testid="error-child_name"' in response.content.decode()
    assert not Dossier.objects.filter(applicant_id_number=ID).exists()


def test_the_place_of_competence_missing_is_shown_beside_its_e_form_field(client, hue, eid_up, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, e_form(hue, **{PLACE_FIELD: ""}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-testid="error-{PLACE_FIELD}"' in page and 'value="Lê Minh An"' in page
    assert not Dossier.objects.filter(applicant_id_number=ID).exists()


def test_the_place_of_competence_is_read_from_the_named_field_not_a_separate_picker(
    client, hue, eid_up, media
):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, e_form(hue, **{PLACE_FIELD: hue.phu_xuan.code, "place": hue.phu_vang.pk}))
    dossier = Dossier.objects.get(applicant_id_number=ID)
    assert response.status_code == 302
    assert dossier.place_unit == hue.phu_xuan and dossier.place_field == PLACE_FIELD
    assert dossier.competent_agency == hue.ubnd_phu_xuan
    assert dossier.form_data[PLACE_FIELD] == hue.phu_xuan.code


def test_e_id_confirmation_from_my_dossiers_by_the_citizen_and_no_one_else(client, hue, eid_up, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(URL, e_form(hue, confirmation=Confirmation.E_ID, citizen_confirmed=""))
    dossier = Dossier.objects.get(applicant_id_number=ID)
    assert dossier.state == State.AWAITING_CONFIRMATION
    confirm = f"/dich-vu-cong/ho-so/{dossier.code}/xac-nhan/"

    stranger = Client()
    stranger.force_login(User.objects.create(username="cd:046195009999", national_id="046195009999"))
    assert dossier.code not in stranger.get("/dich-vu-cong/ho-so/").content.decode()
    assert stranger.get(confirm).status_code == 404
    assert stranger.post(confirm).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_CONFIRMATION

    citizen = User.objects.create(username=f"cd:{ID}", national_id=ID, full_name="Phan Thị Mai")
    browser = Client()
    browser.force_login(citizen)
    listing = browser.get("/dich-vu-cong/ho-so/").content.decode()
    assert 'data-testid="to-confirm"' in listing and confirm in listing
    page = browser.get(confirm).content.decode()
    assert "Lê Minh An" in page and 'data-testid="confirm"' in page
    response = browser.post(confirm)
    assert response.status_code == 302
    assert response["Location"] == f"/dich-vu-cong/ho-so/{dossier.code}/da-nop/"
    assert 'data-testid="confirmation-panel"' in browser.get(response["Location"]).content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.applicant == citizen
    assert dossier.confirmation == Confirmation.E_ID and dossier.confirmed_by == citizen
    assert dossier.code in browser.get("/dich-vu-cong/ho-so/").content.decode()


def test_recorded_offline_when_the_e_id_provider_is_down_then_submitted_when_it_answers(
    client, hue, idp, eid_down, settings, media
):
    assert not online_path.is_up()
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, e_form(hue), follow=True)
    dossier = Dossier.objects.get(applicant_id_number=ID)
    assert dossier.state == State.RECORDED_OFFLINE and dossier.recorded_offline_at == dossier.submitted_at
    assert dossier.events.get(kind=EventKind.RECORDED_OFFLINE).data["why"] == OfflineReason.PROBE
    assert "Hệ thống trực tuyến đang gián đoạn" in response.content.decode()
    page = client.get(URL).content.decode()
    assert f'data-testid="pending-{dossier.code}"' in page
    recorded_at = dossier.submitted_at

    assert submit_offline_dossiers.call() == 0  # still down: tried again later
    dossier.refresh_from_db()
    assert dossier.state == State.RECORDED_OFFLINE

    settings.MOTCUA_OIDC_ISSUER = idp.issuer  # the provider answers again
    assert online_path.is_up()
    assert submit_offline_dossiers.call() == 1
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.submitted_at == recorded_at
    assert dossier.events.filter(kind=EventKind.SUBMITTED).count() == 1
    assert f'data-testid="pending-{dossier.code}"' not in client.get(URL).content.decode()


def test_the_officer_declares_the_path_down_and_submits_the_pending_dossiers_when_it_is_back(
    client, hue, eid_up, media
):
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(URL, e_form(hue, offline_declared="1"))
    dossier = Dossier.objects.get(applicant_id_number=ID)
    assert dossier.state == State.RECORDED_OFFLINE
    assert dossier.events.get(kind=EventKind.RECORDED_OFFLINE).data["why"] == OfflineReason.DECLARED
    response = client.post("/can-bo/ho-tro-nop/nop-ngoai-tuyen/", follow=True)
    assert "Đã nộp 1 hồ sơ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_the_submit_offline_command_waits_for_the_provider(hue, idp, eid_down, settings, capsys):
    with pytest.raises(Exception) as down:
        call_command("submit_offline")
    assert "chưa phản hồi" in str(down.value)
    settings.MOTCUA_OIDC_ISSUER = idp.issuer
    call_command("submit_offline")
    assert "Đã nộp 0 hồ sơ" in capsys.readouterr().out


def test_an_e_form_address_typed_whole_at_the_counter_gets_its_2025_commune_to_confirm(client, hue, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    before = Dossier.objects.count()

    response = client.post(
        URL,
        e_form(hue, applicant_address="Thôn 3, Thị trấn Phú Đa, huyện Phú Vang", applicant_address__unit=""),
    )

    page = response.content.decode()
    assert 'data-testid="address-note-applicant_address"' in page
    assert "Xã Phú Vang, Thành phố Huế (trước đây: Thị trấn Phú Đa, Huyện Phú Vang)" in page
    assert 'name="applicant_address" value="Thôn 3"' in page
    assert '<option value="19942" selected>' in page
    assert Dossier.objects.count() == before  # nothing sent before the officer checks it with the citizen
