"""Every signature asks the second factor, and nothing moves a dossier past its sign step but the signing
service: the engine's generic ``perform`` refuses ``sign``, the pages route it to ``signing.services.sign``,
a stop notice, a refusal at the step, an apology and a replacement ask the code too (a wrong or missing code
changes nothing: no job, no event, no number). The draft appears by itself when the step's holder opens a
dossier at its sign step."""

from __future__ import annotations

import datetime as dt

import pytest

from dossiers.dossier_world import T0
from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import ApologyNotice, DossierEvent, State, StopNotice
from motcua.signing import services, worker
from motcua.signing.models import (
    DocumentKind,
    DocumentTemplate,
    IssuedDocument,
    IssuedStage,
    OutgoingDocumentRegister,
    SignatureJob,
)

from .flow_helpers import H, at_sign_step, authenticator, code, now

WRONG = ["", "000000", "12345a"]


def _wrong(device, token: str) -> str:
    return "111111" if token == "000000" and code(device) == "000000" else token


def _snapshot(dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.version,
        dossier.state,
        DossierEvent.objects.filter(dossier=dossier).count(),
        SignatureJob.objects.count(),
        IssuedDocument.objects.exclude(stage=IssuedStage.DRAFT).count(),
        list(OutgoingDocumentRegister.objects.values_list("last_number", flat=True)),
    )


def _notice_template(kind: str) -> None:
    if not DocumentTemplate.objects.filter(kind=kind).exists():
        DocumentTemplate.objects.create(
            kind=kind, name=str(DocumentKind(kind).label), title="THÔNG BÁO", symbol="TB", body="Lý do:: x"
        )


# --- the engine's guard ---------------------------------------------------------------------------------


def test_the_engine_refuses_sign_and_points_to_the_signing_service(world, result_template):
    dossier = at_sign_step(world)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as error:
        dossier_services.perform(dossier=dossier, by=world.leader_pv, action="sign", now=now())

    assert error.value.code == "action.sign_needs_signing"
    assert "chức năng ký số" in str(error.value) and "mã xác thực" in str(error.value)
    assert _snapshot(dossier) == before
    assert dossier.current_step.step.code == "ky"


def test_who_may_not_sign_learns_that_first(world, result_template):
    dossier = at_sign_step(world)
    with pytest.raises(DomainError) as error:
        dossier_services.perform(dossier=dossier, by=world.clerk_pv, action="sign", now=now())
    assert error.value.code == "step.not_allowed"


def test_the_page_cannot_sign_without_the_code_or_without_a_document(client, world):
    """The dossier page's form goes to the signing service: no code, a wrong code or no document is
    refused with the reason and nothing changes."""
    from .test_flow_pages import _log_in, _page

    DocumentTemplate.objects.filter(kind=DocumentKind.RESULT).delete()  # no result template at all
    dossier = at_sign_step(world)
    device = _log_in(client, world.leader_pv)
    form = {"action": "sign", "version": str(dossier.version)}
    before = _snapshot(dossier)
    for token in ("", "12"):
        response = client.post(_page(dossier) + "thao-tac/", {**form, "token": token})
        assert response.status_code == 400
        assert "mã xác thực" in response.content.decode().lower()
    assert _snapshot(dossier) == before
    # with the right code, but the procedure has no result template: "Ký số" is refused
    response = client.post(_page(dossier) + "thao-tac/", {**form, "token": code(device, step=1)})
    assert response.status_code == 400
    assert "Chưa có văn bản kết quả để ký số" in response.content.decode()
    assert _snapshot(dossier) == before


# --- the code asked for every signature -------------------------------------------------------------


@pytest.mark.parametrize("token", WRONG)
def test_signing_a_stop_notice_asks_the_code(world, result_template, token):
    _notice_template(DocumentKind.STOP_NOTICE)
    dossier = at_sign_step(world)
    notice = dossier_services.propose_stop(dossier=dossier, by=world.leader_pv, reasons="Giả mạo giấy tờ")
    device = authenticator(world.leader_pv)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as error:
        services.sign_stop(notice=notice, by=world.leader_pv, token=_wrong(device, token), now=now())

    assert error.value.code == "reauth.wrong_code"
    assert _snapshot(dossier) == before
    notice.refresh_from_db()
    assert notice.outcome == ""  # still waiting for the leader

    services.sign_stop(notice=notice, by=world.leader_pv, token=code(device, step=1), now=now())
    dossier.refresh_from_db()
    assert dossier.state == State.STOPPED
    assert SignatureJob.objects.filter(document__kind=DocumentKind.STOP_NOTICE).count() == 1


@pytest.mark.parametrize("token", WRONG)
def test_refusing_at_the_step_signs_the_notice_and_asks_the_code(world, result_template, token):
    _notice_template(DocumentKind.STOP_NOTICE)
    dossier = at_sign_step(world)
    device = authenticator(world.leader_pv)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as error:
        services.refuse_at_step(
            dossier=dossier, by=world.leader_pv, token=_wrong(device, token), reason="Giả mạo", now=now()
        )

    assert error.value.code == "reauth.wrong_code"
    assert _snapshot(dossier) == before
    assert not StopNotice.objects.filter(dossier=dossier).exists()

    services.refuse_at_step(
        dossier=dossier, by=world.leader_pv, token=code(device, step=1), reason="Giả mạo", now=now()
    )
    dossier.refresh_from_db()
    assert dossier.state == State.STOPPED


def test_who_may_not_refuse_learns_that_before_any_code_is_spent(world, result_template):
    dossier = at_sign_step(world)
    device = authenticator(world.clerk_pv)
    with pytest.raises(DomainError) as error:
        services.refuse_at_step(dossier=dossier, by=world.clerk_pv, token=code(device), reason="x", now=now())
    assert error.value.code in {"step.not_allowed", "stop.leader_only"}
    # the code was not used: it still opens a reauthentication
    from motcua.accounts.services import reauthenticate

    reauthenticate(user=world.clerk_pv, token=code(device))


@pytest.mark.parametrize("token", WRONG)
def test_signing_an_apology_asks_the_code(world, result_template, token):
    _notice_template(DocumentKind.APOLOGY)
    dossier = at_sign_step(world)
    notice = dossier_services.draft_apology(
        dossier=dossier,
        by=world.leader_pv,
        reason="Chờ xác minh",
        new_appointment_at=dossier.appointment_at + dt.timedelta(days=3),
        now=T0 + 4 * H,  # the world's dossiers live in March 2026: an apology before the appointment
    )
    device = authenticator(world.leader_pv)
    before = _snapshot(dossier)
    appointment = dossier.appointment_at

    with pytest.raises(DomainError) as error:
        services.sign_apology(notice=notice, by=world.leader_pv, token=_wrong(device, token), now=T0 + 5 * H)

    assert error.value.code == "reauth.wrong_code"
    assert _snapshot(dossier) == before
    assert dossier.appointment_at == appointment
    assert ApologyNotice.objects.get(pk=notice.pk).signed_at is None

    services.sign_apology(notice=notice, by=world.leader_pv, token=code(device, step=1), now=T0 + 5 * H)
    dossier.refresh_from_db()
    assert dossier.appointment_at == notice.new_appointment_at


@pytest.mark.parametrize("token", WRONG)
def test_replacing_an_issued_document_asks_the_code(world, result_template, keys, token):
    from .flow_helpers import issued

    dossier, document = issued(world)
    device = authenticator(world.leader_pv)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as error:
        services.replace(
            document=document, by=world.leader_pv, token=_wrong(device, token), reason="Sai tên", now=now()
        )

    assert error.value.code == "reauth.wrong_code"
    assert _snapshot(dossier) == before
    document.refresh_from_db()
    assert document.status == "valid"


# --- the draft made when the holder of the sign step opens the dossier --------------------------------


def test_the_leader_finds_the_draft_without_pressing_prepare(client, world, result_template):
    from .test_flow_pages import _log_in, _page

    dossier = at_sign_step(world)
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()  # the step action drafts nothing
    _log_in(client, world.leader_pv)

    page = client.get(_page(dossier)).content.decode()

    document = IssuedDocument.objects.get(dossier=dossier)
    assert document.stage == IssuedStage.DRAFT and document.draft_ref and document.number == ""
    assert 'data-testid="document-pdf"' in page and "Xem dự thảo" in page
    preview = client.get(_page(dossier) + f"van-ban/{document.public_id}.pdf")
    assert preview.status_code == 200 and b"".join(preview).startswith(b"%PDF-")
    # the page's form carries the version after the draft's event: signing from it is not refused as stale
    dossier.refresh_from_db()
    assert f'name="version" value="{dossier.version}"' in page
    # opened again: the same draft, not a new one
    client.get(_page(dossier))
    assert IssuedDocument.objects.get(dossier=dossier).draft_ref == document.draft_ref


def test_no_draft_for_someone_else_another_step_or_a_procedure_without_template(client, world):
    from dossiers.dossier_world import to_review

    from .test_flow_pages import _log_in, _page

    DocumentTemplate.objects.filter(kind=DocumentKind.RESULT).delete()
    dossier = at_sign_step(world)
    _log_in(client, world.leader_pv)
    assert client.get(_page(dossier)).status_code == 200  # no result template: nothing to draft
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()

    from .flow_helpers import make_template

    make_template(world)
    client.logout()
    _log_in(client, world.head_pv)  # may see the dossier, does not hold the sign step
    assert client.get(_page(dossier)).status_code == 200
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()
    other = to_review(world)
    client.logout()
    _log_in(client, world.specialist_pv)  # holds the review step: no sign step, no draft
    assert client.get(_page(other)).status_code == 200
    assert not IssuedDocument.objects.filter(dossier=other).exists()


def test_the_automatic_draft_is_signed_as_the_pressed_one(client, world, result_template, keys):
    from .test_flow_pages import _log_in, _page

    dossier = at_sign_step(world)
    device = _log_in(client, world.leader_pv)
    client.get(_page(dossier))
    dossier.refresh_from_db()

    response = client.post(
        _page(dossier) + "thao-tac/",
        {"action": "sign", "version": str(dossier.version), "token": code(device, step=1)},
    )

    assert response.status_code == 302
    job = SignatureJob.objects.get()
    assert job.document.stage == IssuedStage.DRAFT  # the same document, now signed by the worker
    assert worker.run(job.pk).state == "done"
    assert IssuedDocument.objects.filter(dossier=dossier).count() == 1
