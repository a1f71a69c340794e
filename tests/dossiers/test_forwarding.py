"""Beyond the province: a dossier for another province's agency is received and forwarded, never refused
(Decree 118/2025/NĐ-CP: any one-stop desk regardless of level, residence or seat; Decree 120/2025/NĐ-CP:
civil status at any commune, which submits it to the competent one; legal.md "Legal frame")."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.forwarding_slip import forwarding_slip, forwarding_slip_pdf
from motcua.dossiers.models import Channel, Dossier, Forwarding
from motcua.dossiers.selectors.forwarding import destination_commune
from motcua.dossiers.services import ApplicantInfo, DocumentInput
from motcua.dossiers.services.forwarding import record_forwarding_post
from motcua.geo.models import AdministrativeUnit, Level, UnitType
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_world import COMPLETE, REFORM, T0, World

HANOI = "01"
BA_DINH = "00004"


def hanoi_ward(code: str = BA_DINH, name: str = "Phường Ba Đình") -> AdministrativeUnit:
    """A ward of Hà Nội, as ``motcua geo load`` loads it (GSO codes)."""
    city, _ = AdministrativeUnit.objects.get_or_create(
        code=HANOI,
        valid_from=REFORM,
        defaults={
            "name": "Thành phố Hà Nội",
            "level": Level.PROVINCE,
            "unit_type": UnitType.CENTRAL_CITY,
            "province_code": HANOI,
        },
    )
    ward, _ = AdministrativeUnit.objects.get_or_create(
        code=code,
        valid_from=REFORM,
        defaults={
            "name": name,
            "level": Level.COMMUNE,
            "unit_type": UnitType.WARD,
            "parent": city,
            "province_code": HANOI,
        },
    )
    return ward


def at_counter(world: World, place: AdministrativeUnit, **kwargs):
    return services.receive_at_counter(
        by=world.officer_px,
        reception_point=world.point_phu_xuan,
        procedure=world.procedure,
        place_unit=place,
        applicant_info=ApplicantInfo(name="Đỗ Văn Nam", id_number="001190000123", phone="0912000123"),
        documents=kwargs.pop("documents", COMPLETE),
        now=kwargs.pop("now", T0),
        **kwargs,
    )


def test_counter_reception_for_a_commune_of_another_province_creates_a_forwarding_and_no_dossier(world):
    ward = hanoi_ward()
    forwarded = at_counter(world, ward)

    assert isinstance(forwarded, Forwarding)
    assert not Dossier.objects.exists()
    # Same code shape and counter as the dossiers of the receiving unit.
    assert forwarded.code == f"{world.ubnd_phu_xuan.code}-260309-0001"
    assert at_counter(world, world.phu_vang).code == f"{world.ubnd_phu_xuan.code}-260309-0002"
    assert forwarded.channel == Channel.COUNTER
    assert forwarded.destination_unit == ward
    assert forwarded.destination_province_code == HANOI
    # The procedure is a commune's in our catalog: the destination is that ward's People's Committee.
    assert forwarded.destination_agency == "Ủy ban nhân dân phường Ba Đình, thành phố Hà Nội"
    assert forwarded.reception_point == world.point_phu_xuan
    assert forwarded.receiving_agency == world.ubnd_phu_xuan
    assert forwarded.received_by.user == world.officer_px
    assert forwarded.received_at == T0
    assert [d["code"] for d in forwarded.documents] == ["TK", "XNTT"]
    assert forwarded.province_code == "46"


def test_the_forwarding_writes_an_outbox_message_carrying_what_the_destination_needs(world):
    forwarded = at_counter(world, hanoi_ward())
    message = OutboxMessage.objects.get(topic=Topic.DOSSIER_FORWARDING)
    payload = message.payload
    assert message.aggregate_type == "forwarding" and message.aggregate_id == str(forwarded.pk)
    assert payload["event"] == "received"
    assert payload["forwarding_code"] == forwarded.code
    assert payload["procedure_code"] == world.procedure.code
    assert payload["destination"] == {
        "province_code": HANOI,
        "province_name": "Thành phố Hà Nội",
        "unit_code": BA_DINH,
        "unit_name": "Phường Ba Đình",
        "agency": "Ủy ban nhân dân phường Ba Đình, thành phố Hà Nội",
    }
    assert payload["applicant"]["name"] == "Đỗ Văn Nam"
    assert payload["applicant"]["id_number"] == "001190000123"
    assert [d["name"] for d in payload["documents"]] == [
        "Tờ khai đăng ký kết hôn",
        "Giấy xác nhận tình trạng hôn nhân",
    ]
    assert payload["received"]["agency_code"] == world.ubnd_phu_xuan.code
    assert payload["received"]["officer"] == "Cán bộ một cửa Phú Xuân"
    assert payload["originals"] == {"by_post": True, "tracking_number": "", "sent_at": None}
    # No dossier, so no national status message and no appointment anywhere.
    assert not OutboxMessage.objects.filter(topic=Topic.DOSSIER_STATUS).exists()


def test_the_forwarding_slip_has_no_appointment_and_says_the_originals_go_by_post(world):
    forwarded = at_counter(world, hanoi_ward())
    slip = forwarding_slip(forwarded)
    lines = dict(slip.lines)
    assert slip.title == "PHIẾU CHUYỂN HỒ SƠ"
    assert slip.form == ""  # Circular 03/2025 has no form for it
    assert lines["Mã hồ sơ"] == forwarded.code
    assert lines["Nơi thực hiện thủ tục"] == "Phường Ba Đình, Thành phố Hà Nội"
    assert lines["Chuyển đến cơ quan có thẩm quyền"] == "Ủy ban nhân dân phường Ba Đình, thành phố Hà Nội"
    assert lines["Ngày hẹn trả kết quả"].startswith("Do cơ quan có thẩm quyền nơi chuyển đến hẹn")
    assert "dịch vụ bưu chính công ích" in lines["Bản gốc hồ sơ"]
    assert "Số hiệu bưu gửi bản gốc" not in lines
    assert [row[1] for row in slip.table] == ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"]
    assert forwarding_slip_pdf(forwarded).startswith(b"%PDF")


def test_recording_the_post_of_the_originals_puts_the_tracking_number_on_the_slip_and_in_the_outbox(world):
    forwarded = at_counter(world, hanoi_ward())
    later = T0 + dt.timedelta(hours=3)
    sent = record_forwarding_post(
        forwarding=forwarded, by=world.officer_px, tracking_number=" EE123456785VN ", now=later
    )
    assert sent.sent_tracking_number == "EE123456785VN" and sent.sent_at == later
    assert dict(forwarding_slip(sent).lines)["Số hiệu bưu gửi bản gốc"] == "EE123456785VN"
    posted = OutboxMessage.objects.get(topic=Topic.DOSSIER_FORWARDING, payload__event="originals_sent")
    assert posted.payload["originals"]["tracking_number"] == "EE123456785VN"
    with pytest.raises(DomainError) as again:
        record_forwarding_post(
            forwarding=sent, by=world.officer_px, tracking_number="EE000000000VN", now=later
        )
    assert again.value.code == "forwarding.already_sent"
    with pytest.raises(DomainError) as other:
        record_forwarding_post(forwarding=sent, by=world.officer_pv, tracking_number="EE1VN", now=later)
    assert other.value.code == "forwarding.forbidden"


def test_post_reception_for_another_province_is_forwarded_too(world):
    forwarded = services.receive_by_post(
        by=world.postal,
        reception_point=world.point_post,
        postal_tracking_number="EB987654321VN",
        procedure=world.procedure,
        place_unit=hanoi_ward(),
        applicant_info=ApplicantInfo(name="Lê Văn Bưu"),
        documents=COMPLETE,
        now=T0,
    )
    assert isinstance(forwarded, Forwarding)
    assert forwarded.channel == Channel.POST
    assert forwarded.postal_tracking_number == "EB987654321VN"
    assert forwarded.code.startswith(f"{world.post.code}-260309-")
    assert not Dossier.objects.exists()
    assert OutboxMessage.objects.filter(
        topic=Topic.DOSSIER_FORWARDING, aggregate_id=str(forwarded.pk)
    ).exists()
    assert dict(forwarding_slip(forwarded).lines)["Số hiệu bưu gửi"] == "EB987654321VN"


def test_a_counter_decision_to_refuse_or_ask_for_more_is_left_to_the_destination(world):
    for decision in (services.CounterDecision.REFUSE, services.CounterDecision.SUPPLEMENT):
        with pytest.raises(DomainError) as error:
            services.receive_and_decide(
                by=world.officer_px,
                decision=decision,
                reception_point=world.point_phu_xuan,
                procedure=world.procedure,
                place_unit=hanoi_ward(),
                applicant_info=ApplicantInfo(name="Đỗ Văn Nam"),
                documents=COMPLETE,
                missing=["UQ"],
                reason="Thiếu giấy tờ",
                now=T0,
            )
        assert error.value.code == "forwarding.decision"
    assert not Forwarding.objects.exists() and not OutboxMessage.objects.exists()
    accepted = services.receive_and_decide(
        by=world.officer_px,
        decision=services.CounterDecision.ACCEPT,
        reception_point=world.point_phu_xuan,
        procedure=world.procedure,
        place_unit=hanoi_ward(),
        applicant_info=ApplicantInfo(name="Đỗ Văn Nam"),
        documents=COMPLETE,
        idempotency_key="counter-forward-1",
        now=T0,
    )
    assert isinstance(accepted, Forwarding)
    repeat = services.receive_and_decide(
        by=world.officer_px,
        decision=services.CounterDecision.ACCEPT,
        reception_point=world.point_phu_xuan,
        procedure=world.procedure,
        place_unit=hanoi_ward(),
        applicant_info=ApplicantInfo(name="Đỗ Văn Nam"),
        documents=COMPLETE,
        idempotency_key="counter-forward-1",
        now=T0,
    )
    assert repeat.pk == accepted.pk and Forwarding.objects.count() == 1


def test_a_bad_destination_is_refused_and_nothing_is_kept(world):
    province = hanoi_ward().parent
    abolished = AdministrativeUnit.objects.create(
        code="00007",
        name="Phường Cũ",
        level=Level.COMMUNE,
        unit_type=UnitType.WARD,
        parent=province,
        province_code=HANOI,
        valid_from=dt.date(2000, 1, 1),
        valid_to=REFORM,
    )
    for place in (province, abolished):
        with pytest.raises(DomainError) as error:
            at_counter(world, place)
        assert error.value.code == "forwarding.bad_destination"
    with pytest.raises(DomainError) as unknown:
        at_counter(world, hanoi_ward(), documents=[DocumentInput(code="NOT-A-DOCUMENT")])
    assert unknown.value.code == "reception.unknown_document"
    with pytest.raises(DomainError) as stranger:
        services.receive_at_counter(
            by=world.officer_pv,  # an officer of another point
            reception_point=world.point_phu_xuan,
            procedure=world.procedure,
            place_unit=hanoi_ward(),
            applicant_info=ApplicantInfo(name="Đỗ Văn Nam"),
            documents=COMPLETE,
            now=T0,
        )
    assert stranger.value.code == "reception.not_allowed"
    assert not Forwarding.objects.exists() and not OutboxMessage.objects.exists()
    # The failed attempts gave their numbers back.
    assert at_counter(world, hanoi_ward()).code.endswith("-0001")


def test_a_procedure_bound_to_its_place_is_not_forwarded(world):
    # Published versions are immutable through save(); the test sets the flag in the table directly.
    ProcedureVersion.objects.filter(pk=world.version.pk).update(location_independent=False)
    with pytest.raises(DomainError) as error:
        at_counter(world, hanoi_ward())
    assert error.value.code == "reception.location_bound"


def test_the_officer_names_the_destination_commune_by_code_or_name(world):
    with pytest.raises(DomainError) as not_loaded:
        destination_commune(query=BA_DINH, home_province="46", on=T0.date())
    assert not_loaded.value.code == "forwarding.units_not_loaded"
    assert "motcua geo load" in str(not_loaded.value)

    ward = hanoi_ward()
    hanoi_ward("00008", "Phường Ba Đình Mới")
    assert destination_commune(query="4", home_province="46", on=T0.date()) == ward
    assert destination_commune(query="phuong ba dinh", home_province="46", on=T0.date()) == ward
    with pytest.raises(DomainError) as ambiguous:
        destination_commune(query="Ba Đình", home_province="46", on=T0.date())
    assert ambiguous.value.code == "forwarding.place_ambiguous"
    with pytest.raises(DomainError) as missing:
        destination_commune(query="Phú Xuân", home_province="46", on=T0.date())  # Huế's: not another province
    assert missing.value.code == "forwarding.place_not_found"


def test_the_admin_lists_forwarded_records_read_only(world, admin_client):
    forwarded = at_counter(world, hanoi_ward())
    listing = admin_client.get("/admin/dossiers/forwarding/")
    assert listing.status_code == 200 and forwarded.code in listing.content.decode()
    assert admin_client.get(f"/admin/dossiers/forwarding/{forwarded.pk}/change/").status_code == 200
    assert admin_client.get("/admin/dossiers/forwarding/add/").status_code == 403
