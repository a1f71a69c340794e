"""The dossier page follows the supplement rules (docs/legal-basis.md section 8): no processing-stage
supplement for the one-stop desk after the receipt, and a second request asks for its reason."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import EventKind, State
from motcua.org.models import Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db


def accepted(hue):
    return services.accept(dossier=hue.receive(), by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan))


def at_review(hue):
    dossier = accepted(hue)
    return services.perform(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan), action="forward"
    )


def test_the_desk_that_issued_the_receipt_is_not_offered_a_supplement_request(client, hue):
    dossier = accepted(hue)
    assert "request_supplement" in dossier.current_step.step.actions  # the catalog lists it at the desk
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username))
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'value="forward"' in page and 'value="request_supplement"' not in page


def test_a_second_request_asks_why_and_is_refused_without_it(client, hue):
    dossier = at_review(hue)
    specialist = hue.staff(dossier.current_step.role, dossier.current_step.agency)
    dossier = services.request_supplement(dossier=dossier, by=specialist, missing=["Bản sao"], reason="Bị mờ")
    dossier = services.supply_documents(
        dossier=dossier,
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan),
        documents=[services.DocumentInput(code=dossier.documents.first().code)],
    )
    log_in(client, officer(specialist.username))
    url = f"/can-bo/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    assert 'name="explanation"' in page and "hồ sơ bị tính là trễ hạn" in page
    post = {
        "action": "request_supplement",
        "version": dossier.version,
        "missing": "Giấy tờ khác",
        "reason": "Thiếu",
    }
    response = client.post(f"{url}thao-tac/", post)
    assert response.status_code == 400
    assert "phải nêu rõ lý do không yêu cầu trong lần trước" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.supplement_count == 1
    response = client.post(f"{url}thao-tac/", {**post, "explanation": "Giấy tờ mới phát sinh khi thẩm định"})
    assert response.status_code == 302
    event = dossier.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED).order_by("-sequence").first()
    assert event.data["repeat"] is True and event.data["explanation"] == "Giấy tờ mới phát sinh khi thẩm định"
