"""The dossier page's one query, compiled once per visibility key and run again with each code: every user
gets exactly what the access policy lets them see, whoever asked before them in the same process."""

from __future__ import annotations

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import access, selectors

from .dossier_world import T0, to_review


def test_each_reader_gets_the_dossier_by_their_own_visibility_in_any_order(world):
    dossier = to_review(world)
    on = T0.date()
    readers = (world.citizen, world.officer_px, world.specialist_pv, world.leader_px)
    outsiders = (world.stranger, world.dept_specialist, world.postal, None)
    for user in (*readers, *outsiders, *reversed(readers), *reversed(outsiders)):
        if user in readers:
            found = selectors.get_dossier(code=dossier.code, user=user, on=on)
            assert found == dossier
            assert [e.sequence for e in found.events.all()] == sorted(
                dossier.events.values_list("sequence", flat=True)
            )
            assert found.procedure_version.pk == dossier.procedure_version_id
        else:
            with pytest.raises(DomainError) as error:
                selectors.get_dossier(code=dossier.code, user=user, on=on)
            assert error.value.code == "dossier.forbidden"
    with pytest.raises(DomainError):
        selectors.get_dossier(code=dossier.code + "-X", user=world.officer_px, on=on)


def test_the_visibility_key_holds_what_the_policy_reads(world):
    on = T0.date()
    assert access.visibility_key(user=None, on=on) == (None, frozenset(), frozenset())
    assert access.visibility_key(user=world.stranger, on=on) == (world.stranger.pk, frozenset(), frozenset())
    key = access.visibility_key(user=world.officer_px, on=on)
    assert key == (
        world.officer_px.pk,
        frozenset(access.agencies_of(user=world.officer_px, on=on)),
        access.archive_agencies(user=world.officer_px, on=on),
    )
    assert key[1]
