"""The signing flow in the workspace's pages: the draft and its preview, the sign form with the
authenticator's code, the signature job's progress, the clerk told to wait for the leader's signature."""

from __future__ import annotations

from motcua.signing.models import JobState, SignatureJob

from .flow_helpers import at_sign_step, authenticator, code

LOGIN = "/can-bo/dang-nhap/"
VERIFY = "/can-bo/dang-nhap/xac-thuc/"
PASSWORD = "Mật-khẩu-thử-2026"


def _log_in(client, user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    device = authenticator(user)
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302
    return device


def _page(dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/"


def test_the_leader_drafts_previews_and_signs_with_the_code_from_the_page(client, world, result_template):
    dossier = at_sign_step(world)
    device = _log_in(client, world.leader_pv)

    page = client.get(_page(dossier)).content.decode()
    assert 'name="token"' in page and "Lập dự thảo văn bản kết quả" in page

    assert client.post(_page(dossier) + "van-ban/").status_code == 302
    document = dossier.issued_documents.get()
    preview = client.get(_page(dossier) + f"van-ban/{document.public_id}.pdf")
    assert preview.status_code == 200 and b"".join(preview).startswith(b"%PDF-")

    dossier.refresh_from_db()
    form = {"action": "sign", "version": str(dossier.version)}
    refused = client.post(_page(dossier) + "thao-tac/", {**form, "token": "123"})
    assert refused.status_code == 400
    assert "Mã xác thực không đúng" in refused.content.decode()
    assert not SignatureJob.objects.exists()

    signed = client.post(_page(dossier) + "thao-tac/", {**form, "token": code(device, step=1)})
    assert signed.status_code == 302
    job = SignatureJob.objects.get()
    assert job.state == JobState.PENDING
    page = client.get(_page(dossier)).content.decode()
    assert 'data-job-state="pending"' in page


def test_the_clerk_is_told_to_wait_for_the_leader_signature(client, world, result_template):
    from motcua.signing import services

    dossier = at_sign_step(world)
    services.sign(dossier=dossier, by=world.leader_pv, token=code(authenticator(world.leader_pv)))
    dossier.refresh_from_db()
    _log_in(client, world.clerk_pv)

    response = client.post(
        _page(dossier) + "thao-tac/", {"action": "issue_number", "version": str(dossier.version)}
    )

    assert response.status_code == 409
    assert "Văn bản đang chờ hoàn tất chữ ký số của lãnh đạo" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.current_step.step.code == "vao_so"
