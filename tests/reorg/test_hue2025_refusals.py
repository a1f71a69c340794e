"""The Huế 2025 plan and in-flight dossiers need the organization before 1 July 2025: a clear refusal."""

from __future__ import annotations

import pytest

from motcua.core.errors import DomainError
from motcua.reorg import hue2025


def test_the_plan_is_refused_without_the_old_organization(db):
    with pytest.raises(DomainError) as refused:
        hue2025.build_plan()
    assert refused.value.code == "reorg.no_old_organization"
    assert "before-2025" in str(refused.value)


def test_dossiers_before_2025_are_refused_without_the_old_desks(db):
    with pytest.raises(DomainError) as refused:
        hue2025.build_before_dossiers(count=5)
    assert refused.value.code == "reorg.no_old_desks"
