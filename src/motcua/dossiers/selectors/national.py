"""Reads for the national public service portal's intake: which portal submissions already are dossiers."""

from __future__ import annotations

from collections.abc import Iterable

from motcua.dossiers.models import Dossier


def national_codes_known(codes: Iterable[str]) -> set[str]:
    """The national codes (MaHoSoQuocGia) among ``codes`` that a dossier here already carries."""
    wanted = [code for code in codes if code]
    if not wanted:
        return set()
    found = Dossier.objects.filter(national_code__in=wanted).values_list("national_code", flat=True)
    return {code for code in found if code}
