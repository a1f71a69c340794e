"""What each registry answers: its kinds, the identifier that finds a record, and the fields it returns.

The one list of registry fields: the adapters ask for these, consent names them, the catalog's e-form
mapping ("x-registry") refers to them, the pages label them. Imports nothing of motcua, so any layer may read
it (the catalog verifier checks e-form mappings against it).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

POPULATION = "population"
BUSINESS = "business"
LAND = "land"
CIVIL_STATUS = "civil_status"
KINDS = (POPULATION, BUSINESS, LAND, CIVIL_STATUS)

# Registry -> its name as a person reads it.
REGISTRY_LABELS: dict[str, Any] = {
    POPULATION: _("Cơ sở dữ liệu quốc gia về dân cư"),
    BUSINESS: _("Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp"),
    LAND: _("Cơ sở dữ liệu đất đai"),
    CIVIL_STATUS: _("Cơ sở dữ liệu hộ tịch điện tử"),
}

# Registry -> {field key: label}. Keys are the reference registry's (refservices/registries) wire names.
REGISTRY_FIELDS: dict[str, dict[str, Any]] = {
    POPULATION: {
        "id_number": _("Số định danh cá nhân"),
        "full_name": _("Họ, chữ đệm và tên"),
        "birth_date": _("Ngày, tháng, năm sinh"),
        "sex": _("Giới tính"),
        "ethnicity": _("Dân tộc"),
        "nationality": _("Quốc tịch"),
        "permanent_address": _("Nơi thường trú"),
        "current_address": _("Nơi ở hiện tại"),
        "previous_permanent_address": _("Nơi thường trú trước đây"),
        "moved_on": _("Ngày chuyển nơi thường trú"),
        "household_relation": _("Quan hệ với chủ hộ"),
        "household_members": _("Thành viên hộ gia đình"),
        "vital_status": _("Tình trạng (còn sống / đã chết)"),
        "death_date": _("Ngày chết"),
    },
    BUSINESS: {
        "enterprise_code": _("Mã số doanh nghiệp"),
        "name": _("Tên doanh nghiệp"),
        "business_type": _("Loại hình doanh nghiệp"),
        "seat_address": _("Địa chỉ trụ sở chính"),
        "legal_representative": _("Người đại diện theo pháp luật"),
        "legal_representative_id": _("Số định danh của người đại diện theo pháp luật"),
        "registered_on": _("Ngày đăng ký lần đầu"),
        "charter_capital_vnd": _("Vốn điều lệ (đồng)"),
        "status": _("Tình trạng hoạt động"),
    },
    LAND: {
        "parcel_id": _("Mã thửa đất"),
        "commune": _("Xã, phường nơi có đất"),
        "commune_code": _("Mã xã, phường nơi có đất"),
        "map_sheet": _("Tờ bản đồ số"),
        "parcel_number": _("Thửa đất số"),
        "area_m2": _("Diện tích (m²)"),
        "land_use": _("Mục đích sử dụng đất"),
        "land_use_code": _("Mã mục đích sử dụng đất"),
        "location": _("Địa chỉ thửa đất"),
        "holder_name": _("Người sử dụng đất"),
        "holder_id_number": _("Số định danh của người sử dụng đất"),
        "certificate_number": _("Số phát hành Giấy chứng nhận"),
        "certificate_issued_on": _("Ngày cấp Giấy chứng nhận"),
    },
    CIVIL_STATUS: {
        "id_number": _("Số định danh cá nhân"),
        "full_name": _("Họ, chữ đệm và tên"),
        "birth": _("Trích lục khai sinh"),
        "marriage": _("Đăng ký kết hôn"),
        "death": _("Đăng ký khai tử"),
        "marital_status": _("Tình trạng hôn nhân"),
    },
}

# Registry -> the kind of identifier that finds a record, its label, and its shape.
IDENTIFIER_KIND: dict[str, str] = {
    POPULATION: "personal_id",
    BUSINESS: "enterprise_code",
    LAND: "parcel",
    CIVIL_STATUS: "personal_id",
}
IDENTIFIER_LABELS: dict[str, Any] = {
    "personal_id": _("Số định danh cá nhân (12 chữ số)"),
    "enterprise_code": _("Mã số doanh nghiệp (10 chữ số)"),
    "parcel": _("Mã thửa đất (mã xã-tờ bản đồ-số thửa, ví dụ 19753-12-345)"),
}
IDENTIFIER_PATTERNS: dict[str, re.Pattern[str]] = {
    "personal_id": re.compile(r"\d{12}"),
    # A branch's code adds "-" and three digits (the enterprise code of a dependent unit).
    "enterprise_code": re.compile(r"\d{10}(?:-\d{3})?"),
    "parcel": re.compile(r"\d{5}-\d{1,4}-\d{1,5}"),
}

# Kinds whose record is about one person: the identifier is that person's ID number.
PERSONAL_KINDS = frozenset({POPULATION, CIVIL_STATUS})


def registry_label(registry: str) -> Any:
    return REGISTRY_LABELS.get(registry, registry)


def field_label(registry: str, field: str) -> Any:
    return REGISTRY_FIELDS.get(registry, {}).get(field, field)


def identifier_kind(registry: str) -> str:
    return IDENTIFIER_KIND[registry]


def normalize_identifier(registry: str, identifier: str) -> str | None:
    """The identifier without spaces (and dots in ID numbers); None when not in the registry's shape."""
    if registry not in IDENTIFIER_KIND or not isinstance(identifier, str):
        return None
    kind = IDENTIFIER_KIND[registry]
    cleaned = re.sub(r"[\s.]", "", identifier) if kind != "parcel" else re.sub(r"\s", "", identifier)
    if not cleaned.isascii() or not IDENTIFIER_PATTERNS[kind].fullmatch(cleaned):
        return None
    return cleaned


def unknown_fields(registry: str, fields: list[str] | tuple[str, ...]) -> list[str]:
    known = REGISTRY_FIELDS.get(registry, {})
    return [f for f in fields if f not in known]
