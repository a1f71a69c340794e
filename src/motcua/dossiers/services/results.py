"""Result files: attached while the dossier is processed, removed when attached by mistake (kept)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import access, events, files
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, DossierResult
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.steps import save_dossier
from motcua.dossiers.services.unit import service


@service
def attach_result(
    *,
    dossier: Dossier,
    by: Any,
    name: str,
    upload: Any,
    now: dt.datetime | None = None,
    origin: str = "",
) -> DossierResult:
    """Đính kèm kết quả: store the result file (PDF or scan); the applicant downloads it once returned."""
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise DomainError("result.name", _("Vui lòng nhập tên kết quả (ví dụ: Giấy khai sinh)."))
    if upload is None:
        raise DomainError("result.file", _("Vui lòng chọn tệp kết quả."))
    dossier = access.check(by, dossier, Act.ATTACH_RESULT, on=timezone.localdate(now))
    staff = access.staff_of(by)
    assert staff is not None
    stored = files.store_upload(upload, folder=f"{dossier.province_code}/{dossier.pk}/results")
    try:
        result = DossierResult.objects.create(
            dossier=dossier,
            name=name[:300],
            file_ref=stored.ref,
            file_name=stored.name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            attached_by=staff,
            attached_at=now,
        )
        save_dossier(dossier)
        events.result_attached(dossier, by=by, now=now, origin=origin, result=result)
    except BaseException:
        files.discard(stored.ref)  # nothing refers to it: the rows roll back with the transaction
        raise
    return result


@service
def remove_result(
    *, result: DossierResult, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """Gỡ tệp kết quả đính kèm nhầm, before the hand-over; the row and the file are kept for the record."""
    now = now or timezone.now()
    reason = require_reason(reason)
    dossier = access.check(
        by, result.dossier, Act.REMOVE_RESULT, on=timezone.localdate(now), subject=result, check_version=False
    )
    if result.removed_at is not None:
        raise DomainError("result.removed", _("Tệp kết quả này đã được gỡ."))
    staff = access.staff_of(by)
    result.removed_by = staff
    result.removed_at = now
    result.save(update_fields=["removed_by", "removed_at"])
    save_dossier(dossier)
    events.result_removed(dossier, by=by, now=now, origin=origin, result=result, reason=reason)
    return dossier
