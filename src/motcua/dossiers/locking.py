"""Taking a dossier's row for a change: the optimistic version check and the row lock.

``access.check`` calls ``lock`` after the policy said yes (check, then lock), so every service changes the
row it judged; a caller holding an older version gets ``dossier.conflict`` and nothing changes."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import errors
from motcua.dossiers.models import Dossier


def conflict() -> DomainError:
    return DomainError(
        errors.CONFLICT,
        _("Hồ sơ vừa được người khác xử lý. Vui lòng tải lại hồ sơ để xem trạng thái mới nhất."),
    )


def lock(dossier: Dossier, *, check_version: bool = True) -> Dossier:
    """Take the row for a change: bump the version if it is still the one the caller saw (the UPDATE locks
    the row until commit) and return it fresh; a newer version means someone else acted first."""
    rows = Dossier.objects.filter(pk=dossier.pk)
    if check_version:
        rows = rows.filter(version=dossier.version)
    if rows.update(version=F("version") + 1) != 1:
        raise conflict()
    # Few joins: on PostgreSQL planning a wide join costs more than the lazy reads it saves.
    return Dossier.objects.select_related("procedure", "procedure_version", "current_step__step").get(
        pk=dossier.pk
    )
