"""Fixtures for dossier tests: the small world of world.py and helpers that walk a dossier."""

from __future__ import annotations

import datetime as dt

import pytest
from dossier_world import T0, World, build_world

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInfo, DocumentInput

COMPLETE = [DocumentInput(code="TK"), DocumentInput(code="XNTT")]


@pytest.fixture
def world(db) -> World:
    return build_world()


def receive_px_for_pv(
    world: World, *, now: dt.datetime = T0, documents=COMPLETE, key: str | None = None
) -> Dossier:
    """A walk-in dossier at Phường Phú Xuân from a resident of Xã Phú Vang."""
    return services.receive_at_counter(
        by=world.officer_px,
        reception_point=world.point_phu_xuan,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        applicant=world.citizen,
        applicant_info=ApplicantInfo(name="Nguyễn Thị Hoa", id_number="046190000001", phone="0905000001"),
        documents=documents,
        idempotency_key=key,
        now=now,
    )


def accepted(world: World, *, now: dt.datetime = T0) -> Dossier:
    dossier = receive_px_for_pv(world, now=now)
    return services.accept(dossier=dossier, by=world.officer_px, now=now)


def to_review(world: World, *, now: dt.datetime = T0) -> Dossier:
    """Accepted at Phú Xuân and forwarded to the specialists of Phú Vang (step tham_dinh)."""
    dossier = accepted(world, now=now)
    return services.perform(
        dossier=dossier, by=world.officer_px, action="forward", now=now + dt.timedelta(hours=1)
    )
