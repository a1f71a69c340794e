"""The hot reads of organization, catalog and geography come from the versioned snapshots: no query once
read while nothing changed, and a change (however it is written) is seen by the next read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.request_scope import a_request
from dossiers.dossier_catalog_world import BIRTH_WITH_PARENTAGE, hue_world
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import ProcedureVersion, RequiredDocument, VersionStatus
from motcua.core.errors import DomainError
from motcua.dossiers import access, lookups
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Position, Role

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 4)


@pytest.fixture
def world():
    return hue_world(ON)


def reads_twice(read):
    """``read()`` in one request, then again in the next: the second request's queries."""
    with a_request():
        first = read()
    with a_request(), CaptureQueriesContext(connection) as captured:
        again = read()
    assert again == first
    return [q["sql"] for q in captured.captured_queries]


def only_the_tokens(queries: list[str]) -> bool:
    return len(queries) == 1 and "core_snapshotversion" in queries[0]


def test_the_positions_of_an_officer_are_read_once_for_all_requests(world):
    officer = world.staff(Role.RECEPTION_OFFICER, world.ubnd_phu_xuan)
    assert only_the_tokens(reads_twice(lambda: access.actor(officer, ON).held))


def test_an_ended_position_and_a_deactivated_account_are_seen_at_once(world):
    officer = world.staff(Role.RECEPTION_OFFICER, world.ubnd_phu_xuan)
    assert access.actor(officer, ON).holds(Role.RECEPTION_OFFICER, {world.ubnd_phu_xuan.pk})
    position = Position.objects.filter(staff__user=officer, role=Role.RECEPTION_OFFICER).first()
    Position.objects.filter(pk=position.pk).update(valid_to=ON)
    assert not access.actor(officer, ON).holds(Role.RECEPTION_OFFICER, {world.ubnd_phu_xuan.pk})
    Position.objects.filter(pk=position.pk).update(valid_to=None)
    assert access.actor(officer, ON).held
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    assert access.actor(officer, ON).held == ()


def test_the_version_its_workflow_and_its_documents_are_read_once(world):
    procedure = world.procedure(BIRTH_WITH_PARENTAGE)

    def read():
        version = lookups.version_in_force(procedure=procedure, on=ON)
        step = lookups.initial_step_of(version)
        documents = lookups.required_documents(version_id=version.pk)
        targets = [
            (t.target.code, t.target.performer_agency_id)
            for action in step.actions
            for t in lookups.step_transitions(step_id=step.pk, action=action)
            if t.target is not None
        ]
        return version.pk, step.code, [d.code for d in documents], targets

    queries = reads_twice(read)
    assert only_the_tokens(queries)
    _version, _step, documents, targets = read()
    assert documents and targets


def test_a_version_withdrawn_behind_the_orm_is_no_longer_in_force(world):
    procedure = world.procedure(BIRTH_WITH_PARENTAGE)
    version = lookups.version_in_force(procedure=procedure, on=ON)
    ProcedureVersion.objects.filter(procedure=procedure).update(status=VersionStatus.DRAFT)
    with pytest.raises(DomainError):
        lookups.version_in_force(procedure=procedure, on=ON)
    ProcedureVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
    assert lookups.version_in_force(procedure=procedure, on=ON).pk == version.pk


def test_a_document_added_in_bulk_is_listed_at_once(world):
    version = lookups.version_in_force(procedure=world.procedure(BIRTH_WITH_PARENTAGE), on=ON)
    before = len(lookups.required_documents(version_id=version.pk))
    RequiredDocument.objects.bulk_create(
        [RequiredDocument(version=version, code="snap-1", name="Giấy tờ thêm")]
    )
    assert len(lookups.required_documents(version_id=version.pk)) == before + 1


def test_competence_and_the_commune_committee_are_read_once(world):
    procedure = world.procedure(BIRTH_WITH_PARENTAGE)

    def read():
        return lookups.resolve_competent_agency(procedure=procedure, on=ON, place_unit=world.phu_xuan).pk

    assert only_the_tokens(reads_twice(read))
    assert read() == world.ubnd_phu_xuan.pk


def test_a_renamed_agency_and_unit_are_seen_at_once(world):
    committee = lookups.commune_committee_for(unit=world.phu_xuan, on=ON)
    Agency.objects.filter(pk=committee.pk).update(name="UBND mới")
    assert lookups.commune_committee_for(unit=world.phu_xuan, on=ON).name == "UBND mới"
    assert org_selectors.agency(pk=committee.pk).name == "UBND mới"
    unit = geo_selectors.unit_by_code(code=world.phu_xuan.code, on=ON)
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Phường mới")
    assert geo_selectors.unit_by_code(code=unit.code, on=ON).name == "Phường mới"
    assert geo_selectors.latest_unit(code=unit.code).name == "Phường mới"


def test_the_shared_home_page_directory_speaks_each_visitors_language():
    directory = org_selectors.province_directory(province_code="46", on=ON)
    assert directory is org_selectors.province_directory(province_code="46", on=ON)
    with translation.override("vi"):
        vietnamese = [str(group.label) for group in directory.unit_groups]
    with translation.override("en"):
        english = [str(group.label) for group in directory.unit_groups]
    assert "Phường" in vietnamese and vietnamese != english


def test_the_procedures_of_a_filter_are_listed_by_code(world):
    procedure = world.procedure(BIRTH_WITH_PARENTAGE)
    listed = catalog_selectors.procedures_listed(ids=[procedure.pk], code="")
    assert [p.code for p in listed] == [procedure.code]
    assert catalog_selectors.procedures_listed(ids=[], code=procedure.code) == listed
