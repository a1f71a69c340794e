"""Catalog pull: the national procedure database's record of a procedure (LayThuTuc) becomes a draft version
with its field-by-field difference from the published version; never published, one draft however often."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure, ProcedureVersion, TimeUnit, VersionStatus
from motcua.catalog.national import NationalDocument, NationalLegalDocument, NationalProcedure, diff
from motcua.catalog.services import pull_national_draft
from motcua.core.errors import DomainError
from motcua.integrations.national_portal.catalog_pull import parse

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"


def test_the_diff_names_each_field_that_differs(world):
    national = NationalProcedure(
        code=world.procedure.code,
        name=world.procedure.name,
        field_code="T.HT",
        field_name="Hộ tịch (thử nghiệm)",
        time_limit_amount=Decimal(5),
        time_limit_unit=TimeUnit.WORKING_DAYS,
        fees=[("Lệ phí", 10000)],
        documents=[
            NationalDocument("TK", "Tờ khai đăng ký kết hôn", originals=1),
            NationalDocument("XNTT", "Giấy xác nhận tình trạng hôn nhân", originals=1, copies=1),
            NationalDocument("ANH", "Ảnh"),
        ],
        legal_basis=[NationalLegalDocument("60/2014/QH13", "Luật Hộ tịch", dt.date(2014, 11, 20))],
    )
    changes = {change["field"]: change for change in diff(world.version, national)}
    assert set(changes) == {
        "time_limit",
        "fees",
        "legal_basis",
        "document:XNTT",
        "document:ANH",
        "document:UQ",
    }
    assert (changes["time_limit"]["published"], changes["time_limit"]["national"]) == (
        "3 ngày làm việc",
        "5 ngày làm việc",
    )
    assert changes["legal_basis"]["national"] == "Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014"
    assert changes["fees"]["national"] == ["Lệ phí: 10.000 đ"]
    assert [changes[f"document:{c}"]["change"] for c in ("XNTT", "ANH", "UQ")] == [
        "changed",
        "added",
        "removed",
    ]


def test_the_portals_record_is_read_into_the_catalogs_units():
    national = parse(
        "X",
        {
            "MaTTHC": "X",
            "TenTTHC": "Thủ tục X",
            "ThoiHanGiaiQuyet": [
                {"KenhNop": "Trực tiếp", "ThoiGian": 3, "DonViTinh": "Ngày làm việc"},
                {"KenhNop": "Trực tuyến", "ThoiGian": 4, "DonViTinh": "Giờ"},
            ],
            "ThanhPhanHoSo": [{"Ma": "a", "Ten": "A", "BanChinh": 1, "BanSao": 2}],
            "CanCuPhapLy": [{"SoKyHieu": "1/2025/NĐ-CP", "TrichYeu": "Nghị định", "NgayBanHanh": "20250101"}],
            "NgayCapNhat": "20250701080000",
        },
    )
    assert (national.time_limit_amount, national.time_limit_unit) == (Decimal(4), TimeUnit.HOURS)
    assert national.documents == [NationalDocument("a", "A", 1, 2)]
    assert national.legal_basis[0].issued == dt.date(2025, 1, 1)


def test_pull_catalog_builds_one_draft_with_the_national_data_and_never_publishes(world, national_portal):
    procedure = Procedure.objects.get(code=BIRTH)  # Huế's sample catalog
    published = {v.pk: (v.status, v.legal_basis) for v in procedure.versions.all()}
    procedure.versions.filter(status=VersionStatus.PUBLISHED).update(legal_basis="Luật Hộ tịch 2014")
    out = StringIO()
    call_command("national_portal", "pull-catalog", BIRTH, stdout=out)
    draft = ProcedureVersion.objects.get(procedure=procedure, status=VersionStatus.DRAFT)
    assert draft.national_pulled_at is not None
    assert (draft.time_limit_amount, draft.time_limit_unit) == (Decimal(1), TimeUnit.WORKING_DAYS)
    assert draft.legal_basis.startswith("Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014; ")
    assert list(draft.documents.values_list("code", flat=True)) == [
        "to_khai",
        "giay_chung_sinh",
        "cam_doan_viec_sinh",
        "giay_to_tuy_than",
    ]
    [change] = [c for c in draft.national_diff if c["field"] == "legal_basis"]
    assert change["published"] == "Luật Hộ tịch 2014"
    text = out.getvalue()
    assert f"{BIRTH}: dự thảo phiên bản {draft.number} (chưa công bố)" in text
    assert "- đã công bố: Luật Hộ tịch 2014" in text
    # the published versions are untouched
    assert {v.pk: v.status for v in procedure.versions.exclude(pk=draft.pk)} == {
        pk: status for pk, (status, _basis) in published.items()
    }

    call_command("national_portal", "pull-catalog", BIRTH, stdout=StringIO())
    assert procedure.versions.count() == len(published) + 1  # the same draft, updated
    assert procedure.versions.get(status=VersionStatus.DRAFT).pk == draft.pk


def test_an_unknown_code_is_a_clear_error_and_nothing_is_written(world, national_portal):
    before = ProcedureVersion.objects.count()
    with pytest.raises(CommandError, match=r"không có thủ tục mã 9\.999999"):
        call_command("national_portal", "pull-catalog", BIRTH, "9.999999", stdout=StringIO())
    assert ProcedureVersion.objects.count() == before
    with pytest.raises(DomainError, match="chưa có trong danh mục"):
        pull_national_draft(national=NationalProcedure(code="9.999999", name="Không có"))
    assert ProcedureVersion.objects.count() == before
