"""The portal's side of the e-form: the generic reading and rendering is ``motcua.catalog.eforms`` (shared
with the counter's assisted submission) and is re-exported here; this module adds what belongs to a
citizen: the draft buttons, storing the files of ``file`` fields in the citizen's quota (``keep_files``), and
"Điền thông tin của tôi" (``identity_of``, ``fill_person``). See docs/portal.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from motcua.catalog.eforms import (  # noqa: F401  (re-exported: the portal's pages and tests call them here)
    PART,
    PROVINCE_SUFFIX,
    REMOVE_SUFFIX,
    SIMPLE_WIDGETS,
    STORED_KEYS,
    UNIT_CODE,
    UNIT_SUFFIX,
    AddressNotes,
    EFormField,
    attach_errors,
    attach_notes,
    build_fields,
    choose_units,
    date_text,
    field_errors,
    form_data,
    problem_errors,
    propose_address_units,
    raw_values,
    stored_file,
    unit_errors,
)
from motcua.core.errors import DomainError

from . import uploads as citizen_uploads

# Buttons that save the draft and come back to the form instead of submitting: "Lưu nháp",
# "Điền thông tin của tôi" (value: the person field) and, without JavaScript, "show the communes of
# the chosen province" (value: the unit field), "Lấy thông tin từ <cơ sở dữ liệu>" (value: the source, see
# registries.prefill; the consent page comes next).
DRAFT_ACTIONS = ("save_draft", "fill_me", "show_units", "prefill")

# Sub-properties of a person filled by "Điền thông tin của tôi", by the account attribute they take.
IDENTITY_PARTS = {
    "full_name": ("ho_ten", "ho_va_ten", "full_name", "name"),
    "national_id": ("so_dinh_danh", "so_cccd", "cccd", "national_id", "id_number"),
    "phone": ("so_dien_thoai", "dien_thoai", "phone"),
    "email": ("email", "thu_dien_tu"),
    "birth_date": ("ngay_sinh", "birth_date", "date_of_birth"),
    "sex": ("gioi_tinh", "sex", "gender"),
}


def keep_files(
    fields: list[EFormField],
    raw: dict[str, Any],
    *,
    uploads: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    user: Any,
) -> dict[str, list[str]]:
    """Store the new uploads of ``file`` fields into ``raw``; otherwise keep the file of the draft.

    Only the draft (``previous``, read from the database) can name a stored file: the browser never
    sends a reference. A refused upload (``file.*``: kind, size, the citizen's quota) is an error of its
    field and keeps the earlier file; the file a new upload replaces does not count in the quota.
    """
    errors: dict[str, list[str]] = {}
    for f in fields:
        if f.widget != "file":
            continue
        earlier = (previous or {}).get(f.name)
        kept = {k: earlier[k] for k in STORED_KEYS if k in earlier} if stored_file(earlier) else ""
        remove = bool(raw.pop(f.name + REMOVE_SUFFIX, False))
        upload = uploads.get(f.name)
        raw[f.name] = "" if remove else kept
        if upload:
            try:
                replacing = str(earlier["ref"]) if stored_file(earlier) and kept else ""
                stored = citizen_uploads.store(user=user, upload=upload, replacing=replacing)
            except DomainError as error:
                errors[f.name] = [str(error)]
                continue
            raw[f.name] = {
                "ref": stored.ref,
                "name": stored.name,
                "size": stored.size,
                "sha256": stored.sha256,
            }
    return errors


# A required document's file kept in the draft (and across errors): ``raw["__doc_<code>"]`` holds
# ``{ref, name, size, sha256}`` as a ``file`` field does, so that ``uploads.draft_refs`` counts it.
DOC_PREFIX = "__doc_"
DOC_INPUT = "doc_"  # the document's file input: doc_<code>; its "remove" box: doc_<code>__remove


def keep_documents(
    codes: list[str],
    raw: dict[str, Any],
    *,
    uploads: Mapping[str, Any],
    post: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    user: Any,
) -> dict[str, list[str]]:
    """Store the files chosen for the procedure's documents (``codes``) at once, as ``keep_files`` does for
    the e-form's file fields: a valid file survives an error elsewhere in the form and the corrected submit
    uses it ("Đã tải lên: giay-chung-sinh.pdf"). Without a new file the draft's file is kept, unless the
    citizen ticked "remove". A refused file (kind, size, quota) is the error of its document, by code, and
    the earlier file stays."""
    errors: dict[str, list[str]] = {}
    for code in codes:
        key = DOC_PREFIX + code
        earlier = (previous or {}).get(key)
        kept: dict[str, Any] = {}
        if stored_file(earlier):
            kept = {k: earlier[k] for k in STORED_KEYS if k in earlier}
        remove = f"{DOC_INPUT}{code}{REMOVE_SUFFIX}" in post
        raw[key] = "" if remove or not kept else kept
        upload = uploads.get(DOC_INPUT + code)
        if not upload:
            continue
        try:
            stored = citizen_uploads.store(
                user=user, upload=upload, replacing=str(kept["ref"]) if kept else ""
            )
        except DomainError as error:
            errors[code] = [str(error)]
            continue
        raw[key] = {"ref": stored.ref, "name": stored.name, "size": stored.size, "sha256": stored.sha256}
    return errors


def kept_document(raw: Mapping[str, Any] | None, code: str) -> dict[str, Any] | None:
    """The file kept for document ``code`` ({ref, name, size, sha256}), if any."""
    value = (raw or {}).get(DOC_PREFIX + code)
    return dict(value) if stored_file(value) else None


def kept_documents(raw: Mapping[str, Any] | None) -> dict[str, str]:
    """The stored file (ref) kept for each document code."""
    return {
        key[len(DOC_PREFIX) :]: str(value["ref"])
        for key, value in (raw or {}).items()
        if key.startswith(DOC_PREFIX) and stored_file(value)
    }


def identity_of(user: Any) -> dict[str, str]:
    """What the account knows of the citizen (name, ID number, birth date, sex from the national e-ID)."""
    return {attribute: str(getattr(user, attribute, "") or "") for attribute in IDENTITY_PARTS}


def fill_person(
    fields: list[EFormField], raw: dict[str, Any], *, name: str, identity: Mapping[str, str]
) -> bool:
    """Put the account's identity into the parts of person ``name`` that take it (the rest is kept)."""
    f = next((f for f in fields if f.name == name and f.widget == "person"), None)
    if f is None:
        return False
    subs = {p.name.split(PART, 1)[1] for p in f.parts}
    values = dict(raw.get(name) or {})
    for attribute, candidates in IDENTITY_PARTS.items():
        sub = next((c for c in candidates if c in subs), None)
        if sub is not None and identity.get(attribute):
            values[sub] = identity[attribute]
    raw[name] = values
    return True
