"""What the national portal receives, built at delivery from the outbox message and the dossier: the status
the event recorded, dates in yyyyMMddHHmmss (Asia/Ho_Chi_Minh), progress entries with officer and step."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.dossier_world import T0, accepted, receive_px_for_pv, to_review
from motcua.dossiers import files, services
from motcua.dossiers.models import DocumentSource
from motcua.dossiers.services import DocumentInput
from motcua.integrations.national_portal import payloads
from motcua.outbox.models import OutboxMessage, Topic
from pdf_samples import CLEAN_PDF

H = dt.timedelta(hours=1)


def messages(dossier, topic):
    return list(
        OutboxMessage.objects.filter(aggregate_id=str(dossier.pk), topic=topic, destination="national_portal")
    )


def test_every_synced_event_of_a_staff_member_writes_a_progress_message_with_officer_and_step(world):
    dossier = to_review(world)
    progress = messages(dossier, Topic.DOSSIER_PROGRESS)
    status = messages(dossier, Topic.DOSSIER_STATUS)
    # received at the counter (submitted, accepted, forwarded): three events by the reception officer
    assert [m.payload["sequence"] for m in status] == [1, 2, 3]
    assert [m.payload["sequence"] for m in progress] == [1, 2, 3]
    forwarded = progress[-1].payload
    assert forwarded["officer"] == "Cán bộ một cửa Phú Xuân"
    assert forwarded["position"] == "cán bộ tiếp nhận (Một cửa)"
    assert forwarded["department"] == world.ubnd_phu_xuan.name
    # the step the officer finished, not the one the dossier moved to
    assert (forwarded["step_code"], forwarded["step_name"]) == ("tiep_nhan", "Tiếp nhận hồ sơ")
    assert forwarded["content"].startswith("Xử lý bước: chuyển bước tiếp theo (bước “Tiếp nhận hồ sơ”)")
    entry = payloads.progress_entry(progress[-1])
    assert entry["NguoiXuLy"] == "Cán bộ một cửa Phú Xuân"
    assert entry["TrangThai"] == "4"
    assert entry["NgayBatDau"] == "20260309080000"
    assert entry["NgayKetThucTheoQuyDinh"] == "20260309140000"  # 4 working hours, over the lunch break
    assert entry["ThoiDiemXuLy"] == "20260309090000"
    assert entry["SoThuTuSuKien"] == 3


def test_a_citizens_own_event_has_a_status_message_but_no_progress(world):
    dossier = services.submit_online(
        applicant=world.citizen,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        documents=[DocumentInput(code="TK"), DocumentInput(code="XNTT")],
        now=T0,
    )
    assert len(messages(dossier, Topic.DOSSIER_STATUS)) == 1
    assert messages(dossier, Topic.DOSSIER_PROGRESS) == []


def test_an_event_writes_its_messages_in_one_insert(world):
    dossier = accepted(world)
    with CaptureQueriesContext(connection) as queries:
        services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + H)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert sum("integrations_outboxmessage" in sql for sql in inserts) == 1


def test_the_record_carries_the_status_the_event_recorded_not_the_dossiers_current_one(world):
    dossier = receive_px_for_pv(world)
    dossier = services.accept(dossier=dossier, by=world.officer_px, now=T0 + H)
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + 2 * H)
    first = messages(dossier, Topic.DOSSIER_STATUS)[0]
    record = payloads.status_record(first, payloads.load([first]))
    assert record["TrangThaiHoSo"] == "1"
    assert record["NgayTiepNhan"] == ""  # received later: a later record carries it
    assert record["NgayHenTra"] == ""
    assert record["SoThuTuSuKien"] == 1
    assert record["IdempotencyKey"] == first.key
    latest = messages(dossier, Topic.DOSSIER_STATUS)[-1]
    record = payloads.status_record(latest, payloads.load([latest]))
    assert record["TrangThaiHoSo"] == "4"
    assert record["NgayTiepNhan"] == "20260309090000"
    assert record["NgayHenTra"] == record["NgayHenTraBanDau"] != ""
    assert record["ThoiDiemSuKien"] == "20260309100000"


def test_the_record_describes_the_dossier_for_the_portals_statistics(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A scan made at the counter (it goes into the citizen's data store at reception, so it must exist).
    scan = files.store_upload(SimpleUploadedFile("tk.pdf", CLEAN_PDF), folder="x")
    dossier = receive_px_for_pv(
        world,
        documents=[
            DocumentInput(code="TK", source=DocumentSource.FILE, file_ref=scan.ref),
            DocumentInput(code="XNTT", source=DocumentSource.DATA_STORE),
        ],
    )
    message = messages(dossier, Topic.DOSSIER_STATUS)[0]
    record = payloads.status_record(message, payloads.load([message]))
    assert record["MaHoSo"] == dossier.code
    assert (record["MaTTHC"], record["MaLinhVuc"]) == (world.procedure.code, "T.HT")
    assert (record["ChuHoSo"], record["MaDoiTuong"], record["LoaiGiayTo"]) == (
        "Nguyễn Thị Hoa",
        "046190000001",
        "CCCD",
    )
    assert (record["LoaiDoiTuong"], record["KenhNop"], record["HinhThucTraKetQua"]) == ("1", "1", "1")
    assert (record["DonViXuLy"], record["TenDonViXuLy"]) == (
        world.ubnd_phu_vang.code,
        world.ubnd_phu_vang.name,
    )
    assert record["NoiTiepNhan"] == world.point_phu_xuan.name
    assert record["XacThucVNeID"] == "1"  # the applicant's account carries the e-ID number
    assert record["NgayNopHoSo"] == "20260309080000"
    flags = {
        d["MaThanhPhanHoSo"]: (d["DuocSoHoa"], d["DuocTaiSuDung"], d["DuocLayTuKhoDMQG"])
        for d in record["TaiLieuNop"]
    }
    assert flags == {"TK": ("1", "0", "0"), "XNTT": ("0", "1", "1")}
    assert record["DanhSachLePhi"] == []  # the test procedure charges nothing
    assert record["DanhSachGiayToKetQua"] == []


def test_supplement_requests_are_listed_with_the_day_they_were_answered(world):
    dossier = to_review(world)
    dossier = services.request_supplement(
        dossier=dossier,
        by=world.specialist_pv,
        missing=["UQ"],
        reason="Thiếu văn bản ủy quyền",
        now=T0 + 2 * H,
    )
    asked = messages(dossier, Topic.DOSSIER_STATUS)[-1]
    record = payloads.status_record(asked, payloads.load([asked]))
    assert record["TrangThaiHoSo"] == "5"
    assert record["GhiChu"] == "Thiếu văn bản ủy quyền"
    assert record["DanhSachHoSoBoSung"] == [
        {
            "NoiDungBoSung": "Thiếu văn bản ủy quyền; Văn bản ủy quyền",
            "NgayYeuCau": "20260309100000",
            "NgayBoSung": "",
        }
    ]
    dossier = services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[DocumentInput(code="UQ")], now=T0 + 3 * H
    )
    answered = messages(dossier, Topic.DOSSIER_STATUS)[-1]
    record = payloads.status_record(answered, payloads.load([answered]))
    assert record["DanhSachHoSoBoSung"][0]["NgayBoSung"] == "20260309110000"
    assert record["TrangThaiHoSo"] == "4"


def test_a_batch_is_built_in_a_fixed_number_of_queries(world):
    def build_all():
        batch = list(OutboxMessage.objects.filter(destination="national_portal").order_by("id"))
        with CaptureQueriesContext(connection) as queries:
            built = payloads.build(batch, payloads.load(batch))
        assert all(
            not isinstance(record, payloads.PayloadError) for items in built.values() for _m, record in items
        )
        return len(queries.captured_queries)

    to_review(world)
    one = build_all()
    for hour in range(1, 4):
        to_review(world, now=T0 + hour * H)
    assert build_all() == one


def test_dates_are_sent_in_hue_local_time():
    assert payloads.portal_time(dt.datetime(2026, 3, 9, 1, 2, 3, tzinfo=dt.UTC)) == "20260309080203"
    assert payloads.portal_time("2026-03-09T17:30:00+00:00") == "20260310003000"
    assert payloads.portal_time(None) == ""


def test_a_row_written_before_the_sequence_was_in_the_payload_takes_it_from_its_key(world):
    dossier = to_review(world)
    message = messages(dossier, Topic.DOSSIER_STATUS)[1]
    del message.payload["sequence"], message.payload["event_id"]
    assert payloads.status_record(message, payloads.load([message]))["SoThuTuSuKien"] == 2
