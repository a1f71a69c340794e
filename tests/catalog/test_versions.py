"""Versions: drafts, publication guarded by the verifier, immutability once published."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog import selectors, services
from motcua.catalog.models import (
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Transition,
    VersionStatus,
    WorkflowStep,
)
from motcua.core.errors import DomainError

from .conftest import REFORM, import_draft, steps_of

pytestmark = pytest.mark.django_db


def published(code: str = "1.001193") -> ProcedureVersion:
    return ProcedureVersion.objects.get(procedure__code=code, status=VersionStatus.PUBLISHED)


def test_a_published_version_refuses_changes():
    version = published()
    version.result_name = "Khác"
    with pytest.raises(DomainError) as caught:
        version.save()
    assert caught.value.code == "version.immutable"
    assert published().result_name != "Khác"


def test_documents_steps_and_transitions_of_a_published_version_are_frozen():
    version = published()
    with pytest.raises(DomainError):
        RequiredDocument.objects.create(version=version, code="moi", name="Giấy tờ mới", originals=1)
    step = WorkflowStep.objects.filter(workflow__version=version).first()
    step.allotment_hours = 1
    with pytest.raises(DomainError):
        step.save()
    with pytest.raises(DomainError):
        Transition.objects.filter(source__workflow__version=version).first().delete()
    with pytest.raises(DomainError):
        version.delete()


def test_publishing_is_refused_while_the_verifier_reports_errors(procedure):
    steps_of(procedure)["xu_ly"]["hours"] = 100
    draft = import_draft(procedure)
    with pytest.raises(DomainError) as caught:
        services.publish_version(version=draft, by=None)
    assert caught.value.code == "version.unverified"
    assert "time.exceeded" in str(caught.value)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_new_version_is_drafted_from_the_published_one_and_supersedes_it_when_published():
    current = published()
    draft = services.create_draft_version(procedure=current.procedure, valid_from=dt.date(2027, 1, 1))
    assert draft.number == current.number + 1 and draft.status == VersionStatus.DRAFT
    assert draft.documents.count() == current.documents.count()
    assert (
        WorkflowStep.objects.filter(workflow__version=draft).count()
        == WorkflowStep.objects.filter(workflow__version=current).count()
    )
    assert (
        Transition.objects.filter(source__workflow__version=draft, target__isnull=False)
        .exclude(target__workflow__version=draft)
        .count()
        == 0
    )
    draft.result_name = "Giấy khai sinh (mẫu mới)"
    draft.save()
    services.publish_version(version=draft, by=None)
    current.refresh_from_db()
    assert current.valid_to == dt.date(2027, 1, 1)
    procedure = current.procedure
    assert selectors.version_in_force(procedure=procedure, on=dt.date(2026, 12, 31)) == current
    assert selectors.version_in_force(procedure=procedure, on=dt.date(2027, 1, 1)).result_name == (
        "Giấy khai sinh (mẫu mới)"
    )


def test_a_draft_starting_before_a_published_version_cannot_be_published():
    # Certification: its fee (Circular 226/2016) is in force on the draft's first day, unlike the civil
    # status fees, which start on 2025-07-01 (fee.not_in_force would refuse the draft first).
    current = published("2.000815")
    draft = services.create_draft_version(procedure=current.procedure, valid_from=dt.date(2025, 1, 1))
    with pytest.raises(DomainError) as caught:
        services.publish_version(version=draft, by=None, on=REFORM)
    assert caught.value.code == "version.overlap"


def test_publishing_twice_is_refused():
    with pytest.raises(DomainError) as caught:
        services.publish_version(version=published(), by=None)
    assert caught.value.code == "version.published"


def test_there_is_no_version_in_force_before_the_reform():
    with pytest.raises(DomainError) as caught:
        selectors.version_in_force(procedure=Procedure.objects.get(code="1.001193"), on=dt.date(2025, 6, 30))
    assert caught.value.code == "version.none_in_force"
