"""Verifier findings and import errors speak the reader's language: Vietnamese first, English too."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from motcua.catalog import services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import VersionStatus
from motcua.org.models import Role

from .conftest import catalog_text, check, import_draft, steps_of

pytestmark = pytest.mark.django_db


def test_a_verifier_finding_reads_in_english_when_english_is_active(procedure):
    steps_of(procedure)["xu_ly"]["hours"] = 30
    steps_of(procedure)["ky"]["role"] = Role.POSTAL_STAFF
    version = import_draft(procedure)
    with translation.override("en"):
        report = check(version)
        text = report.as_text()
    assert report.messages("time.exceeded") == [
        "the total time of the steps (38 working hours) exceeds the processing time limit (24 working hours)"
    ]
    # The role is named in the language of the run, not the one active when the verifier was imported.
    assert any("in the role postal staff" in m for m in report.messages("performer.missing"))
    assert "[ERROR] 9.900001 v1 (time.exceeded): the total time" in text
    assert text.endswith("Result: FAILED.")
    assert "giờ làm việc" not in text and "LỖI" not in text


def test_the_same_finding_stays_in_vietnamese_by_default(procedure):
    steps_of(procedure)["xu_ly"]["hours"] = 30
    report = check(import_draft(procedure))
    assert report.messages("time.exceeded") == [
        "tổng thời gian các bước (38 giờ làm việc) vượt thời hạn giải quyết (24 giờ làm việc)"
    ]
    assert "[LỖI] 9.900001 v1 (time.exceeded)" in report.as_text()


def test_an_import_error_reads_in_english_when_english_is_active(procedure):
    procedure["versions"][0]["time_limit"]["unit"] = "tuần"
    steps_of(procedure)["xu_ly"]["transitions"][0]["to"] = "khong_co"
    with translation.override("en"), pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=False)
    problems = str(caught.value).splitlines()  # the message built when the import was refused
    assert len(problems) == 2 and all(p.startswith("line ") for p in problems), problems
    assert any("procedure 9.900001 v1: time limit: 'unit' must be one of" in p for p in problems), problems
    assert any("step 'xu_ly': transition to a step that does not exist 'khong_co'" in p for p in problems), (
        problems
    )
    assert not any("phải" in p or "dòng" in p for p in problems), problems


def test_a_yaml_syntax_error_reads_in_english_when_english_is_active():
    with translation.override("en"), pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text="format: motcua-catalog/1\nprocedures: [1.0\n", publish=False)
    assert caught.value.problems[0].message.startswith("YAML syntax: ")


def test_the_admin_refuses_to_publish_in_english_for_an_english_reader(admin_client, procedure):
    steps_of(procedure)["xu_ly"]["hours"] = 100
    draft = import_draft(procedure)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.post(reverse("admin:catalog_version_publish", args=[draft.pk]), follow=True)
    page = response.content.decode()
    assert "Cannot publish" in page and "[ERROR] 9.900001 v1 (time.exceeded)" in page
    assert "working hours" in page and "giờ làm việc" not in page
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
