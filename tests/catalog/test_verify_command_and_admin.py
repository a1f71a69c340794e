"""`motcua catalog verify` and the admin pages show the verifier's result; the admin publishes drafts."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus

from .conftest import import_draft, steps_of

pytestmark = pytest.mark.django_db


def test_verify_command_passes_on_the_sample(capsys):
    call_command("catalog", "verify", "--date", "2025-07-01")
    out = capsys.readouterr().out
    assert "× 40 xã, phường — 0 lỗi" in out and "ĐẠT" in out


def test_verify_command_exits_non_zero_with_a_readable_report(procedure, capsys):
    steps_of(procedure)["xu_ly"]["hours"] = 100
    draft = import_draft(procedure)
    ProcedureVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.PUBLISHED)  # as if forced in
    with pytest.raises(SystemExit) as caught:
        call_command("catalog", "verify", "--date", "2026-11-27")
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "[LỖI] 9.900001 v1 (time.exceeded)" in err and "KHÔNG ĐẠT" in err


def test_the_admin_verify_page_shows_the_same_result(admin_client):
    response = admin_client.get(reverse("admin:catalog_verify") + "?date=2025-07-01")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{Procedure.objects.count()} thủ tục × 40 xã, phường: 0 lỗi" in text and "ĐẠT" in text


def test_the_admin_shows_a_drafts_errors_and_refuses_to_publish_it(admin_client, procedure):
    steps_of(procedure)["xu_ly"]["hours"] = 100
    draft = import_draft(procedure)
    page = admin_client.get(
        reverse("admin:catalog_procedureversion_change", args=[draft.pk])
    ).content.decode()
    assert "time.exceeded" in page and "Công bố phiên bản này" in page
    response = admin_client.post(reverse("admin:catalog_version_publish", args=[draft.pk]), follow=True)
    assert "Không thể công bố" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_the_admin_publishes_a_clean_draft(admin_client, procedure, admin_user):
    draft = import_draft(procedure)
    page = admin_client.get(
        reverse("admin:catalog_procedureversion_change", args=[draft.pk])
    ).content.decode()
    assert "Đạt: không có lỗi." in page
    response = admin_client.post(reverse("admin:catalog_version_publish", args=[draft.pk]), follow=True)
    assert "Đã công bố" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.published_by == admin_user


def test_a_published_version_is_read_only_in_the_admin(admin_client):
    version = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    page = admin_client.get(
        reverse("admin:catalog_procedureversion_change", args=[version.pk])
    ).content.decode()
    assert 'name="_save"' not in page and "Công bố phiên bản này" not in page


def test_the_admin_pages_for_procedures_workflows_and_steps_open(admin_client):
    from motcua.catalog.models import Workflow, WorkflowStep

    procedure = Procedure.objects.get(code="1.001193")
    workflow = Workflow.objects.filter(version__procedure=procedure).first()
    step = WorkflowStep.objects.filter(workflow=workflow).first()
    for url in (
        reverse("admin:catalog_procedure_changelist") + "?q=khai+sinh",
        reverse("admin:catalog_procedure_change", args=[procedure.pk]),
        reverse("admin:catalog_procedureversion_changelist"),
        reverse("admin:catalog_workflow_change", args=[workflow.pk]),
        reverse("admin:catalog_workflowstep_change", args=[step.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert (
        "1.001193"
        in admin_client.get(reverse("admin:catalog_procedure_changelist") + "?q=khai+sinh").content.decode()
    )


def test_the_admin_action_creates_a_draft_version(admin_client):
    procedure = Procedure.objects.get(code="1.001193")
    admin_client.post(
        reverse("admin:catalog_procedure_changelist"),
        {"action": "new_draft", "_selected_action": [procedure.pk]},
    )
    assert procedure.versions.filter(status=VersionStatus.DRAFT, number=2).exists()
