"""The officer dossier page posts the version it showed: a stale page never acts on a newer state."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import State
from motcua.org.models import Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db


def shown_version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the action forms carry the version the page showed"
    return found.group(1)


def test_a_click_on_a_stale_page_answers_the_dossier_changed_and_changes_nothing(client, hue):
    dossier = hue.receive(complete=False)
    clerk = officer("phuxuan.tiepnhan")
    log_in(client, clerk)
    url = f"/can-bo/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    version = shown_version(page) if 'name="version"' in page else str(dossier.version)
    # Meanwhile a colleague asks for a supplement and the applicant brings it: the dossier waits for
    # reception again, in a newer state than the page showed.
    colleague = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.request_reception_supplement(
        dossier=dossier, by=colleague, missing=["Giấy tờ khác"], reason="Thiếu giấy tờ"
    )
    dossier = services.supply_documents(
        dossier=dossier,
        by=colleague,
        documents=[
            services.DocumentInput(code=d.code)
            for d in dossier.procedure_version.documents.filter(mandatory=True)
        ],
    )
    assert dossier.state == State.SUBMITTED
    changed = dossier.version
    response = client.post(
        f"{url}thao-tac/", {"action": "refuse_reception", "reason": "Không đủ điều kiện", "version": version}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Hồ sơ đã thay đổi" in body and f'href="{url}"' in body
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.version == changed
    assert shown_version(page) == version


def test_the_page_shown_again_carries_the_new_version_and_acts(client, hue):
    dossier = hue.receive()
    log_in(client, officer("phuxuan.tiepnhan"))
    url = f"/can-bo/ho-so/{dossier.code}/"
    version = shown_version(client.get(url).content.decode())
    response = client.post(f"{url}thao-tac/", {"action": "accept", "version": version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
