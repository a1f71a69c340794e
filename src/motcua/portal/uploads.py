"""Files citizens upload through the portal: the storage quota, and the clean-up of files nobody needs.

Every portal upload (a ``file`` field of the e-form, a document of a submission, a supplement) is stored
with ``motcua.dossiers.files`` and recorded as a ``CitizenUpload``. The citizen's quota
(``MOTCUA_CITIZEN_QUOTA_MB``) counts the recorded files still stored: drafts and their dossiers' documents.

``cleanup_uploads`` is the daily clean-up (``motcua uploads cleanup``; a periodic task can call it too):
it deletes drafts not saved for ``MOTCUA_DRAFT_MAX_AGE_DAYS`` days, then every recorded file older than the
grace period that no live draft and no dossier refers to (a replaced draft file, the documents of a
submission that failed). A file a dossier refers to is never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import files
from motcua.dossiers.models import Dossier, DossierDocument, DossierResult
from motcua.registries import prefill

from .models import CitizenUpload, FormDraft

MB = 1024 * 1024
GRACE = dt.timedelta(hours=24)  # a submission in flight has stored its files but not yet its dossier


def quota_bytes() -> int:
    return int(getattr(settings, "MOTCUA_CITIZEN_QUOTA_MB", 200)) * MB


def used_bytes(*, user: Any) -> int:
    """What the citizen's stored uploads take."""
    total = CitizenUpload.objects.filter(user=user).aggregate(total=Sum("size"))["total"]
    return int(total or 0)


def _mb(size: int) -> str:
    """Megabytes with one decimal where it matters, written the reader's way (0,6 in Vietnamese)."""
    value = round(size / MB, 1)
    return str(int(value)) if value == int(value) else number_format(value, decimal_pos=1)


def check(*, user: Any, upload: Any, pending: int = 0, replacing: str = "") -> None:
    """Raise the DomainError of an upload that ``store`` would refuse: its kind or size
    (``files.check_upload``) or the quota, counting ``pending`` bytes about to be stored with it and
    leaving out the file it replaces."""
    files.check_upload(upload)
    used = used_bytes(user=user)
    if replacing:
        used -= sum(CitizenUpload.objects.filter(user=user, ref=replacing).values_list("size", flat=True))
    size = int(upload.size)
    if used + pending + size > quota_bytes():
        raise DomainError(
            "file.quota",
            _(
                "Không đủ dung lượng lưu tệp: bạn đang lưu %(used)s MB trên tối đa %(quota)s MB, "
                "tệp %(name)s cần thêm %(size)s MB. Để giải phóng dung lượng, "
                "hãy xóa các tệp không còn cần trong bản nháp tờ khai "
                "(chọn “Xóa tệp đã tải lên” rồi “Lưu nháp”) hoặc thay bằng tệp nhỏ hơn."
            ),
            used=_mb(used + pending),
            quota=_mb(quota_bytes()),
            name=str(getattr(upload, "name", "") or "?"),
            size=_mb(size),
        )


@transaction.atomic
def store(*, user: Any, upload: Any, pending: int = 0, replacing: str = "") -> files.StoredFile:
    """Check (kind, size, quota) and store a citizen's upload under ``dossiers/portal/<user>/``."""
    get_user_model().objects.select_for_update().filter(
        pk=user.pk
    ).first()  # one upload at a time per citizen
    check(user=user, upload=upload, pending=pending, replacing=replacing)
    stored = files.store_upload(upload, folder=f"portal/{user.pk}")
    CitizenUpload.objects.create(user=user, ref=stored.ref, size=stored.size, uploaded_at=timezone.now())
    return stored


def discard(*, ref: str) -> None:
    """Delete an upload nothing refers to (its submission was refused)."""
    files.discard(ref)
    CitizenUpload.objects.filter(ref=ref).delete()


def draft_refs(data: Mapping[str, Any]) -> set[str]:
    """The stored files a draft's data names (``file`` fields keep ``{ref, name, size, sha256}``)."""
    return {str(v["ref"]) for v in data.values() if isinstance(v, Mapping) and v.get("ref")}


def release(*, user: Any, refs: Iterable[str]) -> int:
    """Delete files a draft no longer names (replaced or removed), unless something else refers to them."""
    candidates = set(CitizenUpload.objects.filter(user=user, ref__in=set(refs)).values_list("ref", flat=True))
    if not candidates:
        return 0
    in_dossiers, in_drafts = _references(user_id=user.pk, refs=candidates)
    CitizenUpload.objects.filter(ref__in=in_dossiers).update(in_dossier=True)
    gone = candidates - in_dossiers - in_drafts
    for ref in gone:
        discard(ref=ref)
    return len(gone)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _references(
    *, user_id: int, refs: set[str], skip_drafts: Iterable[int] = ()
) -> tuple[set[str], set[str]]:
    """Of ``refs``, those a dossier refers to (the citizen's e-forms, any dossier's documents or results)
    and those a draft of the citizen names."""
    in_dossiers = set(DossierDocument.objects.filter(file_ref__in=refs).values_list("file_ref", flat=True))
    in_dossiers |= set(DossierResult.objects.filter(file_ref__in=refs).values_list("file_ref", flat=True))
    for form_data in (
        Dossier.objects.filter(applicant_id=user_id).values_list("form_data", flat=True).iterator()
    ):
        in_dossiers |= refs.intersection(_strings(form_data))
    in_drafts: set[str] = set()
    drafts = FormDraft.objects.filter(user_id=user_id).exclude(pk__in=list(skip_drafts))
    for data in drafts.values_list("data", flat=True):
        in_drafts |= refs.intersection(draft_refs(data or {}))
    return in_dossiers, in_drafts


@dataclass
class CleanupSummary:
    """What a clean-up deleted (or, in a dry run, would delete)."""

    drafts: int = 0
    files: int = 0
    bytes: int = 0
    kept: int = 0
    refs: list[str] = field(default_factory=list)


def cleanup_uploads(
    *,
    now: dt.datetime | None = None,
    grace: dt.timedelta = GRACE,
    draft_days: int | None = None,
    dry_run: bool = False,
) -> CleanupSummary:
    """Delete abandoned drafts, then the uploads older than ``grace`` that no draft or dossier refers to."""
    now = now or timezone.now()
    days = int(settings.MOTCUA_DRAFT_MAX_AGE_DAYS if draft_days is None else draft_days)
    summary = CleanupSummary()
    abandoned = FormDraft.objects.filter(updated_at__lt=now - dt.timedelta(days=days))
    summary.drafts = abandoned.count()
    skipped_drafts = set(abandoned.values_list("pk", flat=True)) if dry_run else set()
    if not dry_run:
        abandoned.delete()
        # The registry values put into forms abandoned as long (portal drafts and counter forms alike).
        prefill.forget_unsubmitted(before=now - dt.timedelta(days=days))
    candidates: dict[int, set[str]] = defaultdict(set)
    for user_id, ref in CitizenUpload.objects.filter(
        in_dossier=False, uploaded_at__lt=now - grace
    ).values_list("user_id", "ref"):
        candidates[user_id].add(ref)
    for user_id, refs in candidates.items():
        in_dossiers, in_drafts = _references(user_id=user_id, refs=refs, skip_drafts=skipped_drafts)
        if not dry_run:
            CitizenUpload.objects.filter(ref__in=in_dossiers).update(in_dossier=True)
        for row in CitizenUpload.objects.filter(ref__in=refs - in_dossiers - in_drafts).order_by("ref"):
            summary.files += 1
            summary.bytes += row.size
            summary.refs.append(row.ref)
            if not dry_run:
                discard(ref=row.ref)
        summary.kept += len(refs & (in_dossiers | in_drafts))
    return summary
