"""Intake from the reference national portal: a citizen's submission there becomes an online dossier here
through the online reception path, its files checked and stored; one that cannot be accepted is refused back
to the portal with the reason."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers.dossier_world import PHU_VANG
from motcua.dossiers import files
from motcua.dossiers.models import Channel, Dossier, DossierEvent, State
from motcua.dossiers.selectors import visible_dossiers
from motcua.org.models import ReceptionPoint, ReceptionPointKind
from motcua.outbox.models import OutboxMessage, Topic
from workspace.conftest import PASSWORD, log_in

from .conftest import PORTAL_PROCEDURE
from .portal_helpers import drain, lookup, pending_codes

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(portal, **overrides):
    fields = {
        "MaTTHC": PORTAL_PROCEDURE,
        "ChuHoSo": "Nguyễn Thị Hoa",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "046190000001",
        "SoDienThoai": "0905000001",
        "Email": "hoa@example.vn",
        "DiaChi": "Xã Phú Vang, thành phố Huế",
        "TrichYeuHoSo": "Đăng ký kết hôn",
        "NgayNopHoSo": "20260309073000",
        "DuLieuBieuMau": {"ma_xa": PHU_VANG},
        "TaiLieuNop": [
            {
                "TenTepDinhKem": "to-khai.png",
                "MaThanhPhanHoSo": "TK",
                "NoiDung": PNG,
                "LoaiNoiDung": "image/png",
            }
        ],
    }
    fields.update(overrides)
    return portal.submit(**fields)


def pull():
    call_command("national_portal", "intake")


def test_a_portal_submission_becomes_an_online_dossier_at_the_competent_agencys_online_point(
    world, national_portal
):
    online = ReceptionPoint.objects.create(
        code="T.PV.TT",
        name="Cổng trực tuyến Phú Vang",
        kind=ReceptionPointKind.ONLINE,
        agency=world.ubnd_phu_vang,
        unit=world.phu_vang,
        province_code="46",
        valid_from=world.version.valid_from,
    )
    code = submit(national_portal)
    pull()
    dossier = Dossier.objects.get(national_code=code)
    assert (dossier.channel, dossier.state) == (Channel.ONLINE, State.SUBMITTED)
    assert dossier.reception_point == online
    assert dossier.competent_agency == world.ubnd_phu_vang
    assert dossier.code.startswith(f"{world.ubnd_phu_vang.code}-")  # our own code rule
    assert dossier.applicant == world.citizen  # matched by the e-ID number
    assert dossier.submitted_at.isoformat().startswith("2026-03-09T00:30:00")  # 07:30 in Huế
    [document] = dossier.documents.all()
    assert (document.code, document.digitized) == ("TK", True)
    with files.open_stored(document.file_ref) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == hashlib.sha256(PNG).hexdigest()
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.kind, event.origin, event.actor) == ("submitted", "national_portal", world.citizen)
    # the officer of the receiving agency sees it like any online dossier
    assert visible_dossiers(user=world.officer_pv, on=timezone.localdate()).filter(pk=dossier.pk).exists()

    # pulled again before our answer reached the portal: the same dossier, nothing new
    pull()
    assert Dossier.objects.filter(national_code=code).count() == 1

    drain()
    record = lookup(national_portal, dossier.code)
    assert (record["MaHoSoQuocGia"], record["TrangThaiHoSo"], record["KenhNop"]) == (code, "1", "2")
    assert record["NgayNopHoSo"] == "20260309073000"
    # acknowledged: the portal no longer lists it
    assert pending_codes(national_portal) == []
    pull()
    assert Dossier.objects.filter(national_code=code).count() == 1


def test_the_officer_and_the_citizen_see_the_portals_code_on_the_dossier_page(world, national_portal, client):
    code = submit(national_portal)
    pull()
    dossier = Dossier.objects.get(national_code=code)
    client.force_login(world.citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code]))
    assert page.status_code == 200 and code in page.content.decode()
    officer = world.officer_pv
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    staff_client = Client()
    log_in(staff_client, officer)
    page = staff_client.get(reverse("workspace:dossier", args=[dossier.code]))
    assert page.status_code == 200 and code in page.content.decode()


def test_without_a_citizen_account_the_applicant_columns_carry_the_portals_data(world, national_portal):
    code = submit(national_portal, MaDoiTuong="046190009999", ChuHoSo="Lê Văn Mới")
    pull()
    dossier = Dossier.objects.get(national_code=code)
    assert dossier.applicant is None
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Lê Văn Mới", "046190009999")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"MaTTHC": "9.999999"}, "Thủ tục 9.999999 không được tiếp nhận"),
        ({"DuLieuBieuMau": {}}, "Vui lòng chọn"),
        (
            {
                "TaiLieuNop": [
                    {"TenTepDinhKem": "a.png", "MaThanhPhanHoSo": "TK", "NoiDung": PNG, "MaBam": "0" * 64}
                ]
            },
            "không đúng mã băm",
        ),
        (
            {"TaiLieuNop": [{"TenTepDinhKem": "a.exe", "MaThanhPhanHoSo": "TK", "NoiDung": b"MZ\x90\x00"}]},
            "không phải PDF, JPG hoặc PNG",
        ),
    ],
)
def test_a_submission_that_cannot_be_accepted_is_refused_on_the_portal_with_the_reason(
    world, national_portal, overrides, reason
):
    code = submit(national_portal, **overrides)
    pull()
    assert not Dossier.objects.filter(national_code=code).exists()
    [message] = OutboxMessage.objects.filter(topic=Topic.NATIONAL_INTAKE)
    assert reason in message.payload["reason"]
    pull()  # listed again until the answer is delivered: still one refusal
    assert OutboxMessage.objects.filter(topic=Topic.NATIONAL_INTAKE).count() == 1
    assert drain().delivered == 1
    [effect] = [e for e in national_portal.effects() if e["service"] == "XacNhanHoSoMoi"]
    assert effect["MaHoSo"] == code
    assert reason in effect["record"]["LyDo"]
    assert pending_codes(national_portal) == []
    assert OutboxMessage.objects.filter(topic=Topic.NATIONAL_INTAKE).count() == 1
    assert not Dossier.objects.exists()


def test_the_delivery_worker_pulls_new_submissions_and_acknowledges_them(world, national_portal):
    from motcua.outbox.dispatcher import DeliveryLoop

    code = submit(national_portal)
    DeliveryLoop(worker="worker-1", destinations=["national_portal"], once=True).run()
    dossier = Dossier.objects.get(national_code=code)
    DeliveryLoop(worker="worker-1", destinations=["national_portal"], once=True).run()
    assert lookup(national_portal, dossier.code)["MaHoSoQuocGia"] == code
    assert pending_codes(national_portal) == []
