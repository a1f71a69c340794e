"""The citizen's account page (lookups about them, their consents) and the auditor's page of flagged staff
lookups: who sees what."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from motcua.core.errors import DomainError
from motcua.registries.models import Consent, Lookup
from otp_sessions import verified_session

ACCOUNT = "/dich-vu-cong/tai-khoan/"
FLAGGED = "/can-bo/khai-thac-du-lieu/"
BASIS = "Điều 19 Luật Bảo vệ dữ liệu cá nhân"
PURPOSE = "Đăng ký kết hôn"


def officer_lookup(world, *, identifier, dossier=None, purpose=PURPOSE, registry="population", fields=None):
    return world.look_up(
        world.officer,
        identifier,
        registry=registry,
        fields=fields or ["full_name"],
        purpose=purpose,
        dossier=dossier,
        legal_basis=BASIS,
    ).lookup


def rows(html: str, testid: str) -> list[str]:
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S)
    assert table is not None
    return re.findall(r'<tr data-(?:lookup|consent)="(\d+)"', table.group(0))


def test_the_citizen_sees_the_lookups_about_them_and_only_those(world, registries):
    mine = world.receive(applicant=world.citizen, id_number=world.citizen.national_id)
    about_me = officer_lookup(world, identifier=world.citizen.national_id, dossier=mine)
    about_other = officer_lookup(world, identifier=world.other_citizen.national_id, dossier=world.receive())
    client = Client()
    client.force_login(world.citizen)
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    html = page.content.decode()
    assert rows(html, "lookups-about-me") == [str(about_me.pk)]
    assert str(about_other.pk) not in rows(html, "lookups-about-me")
    assert mine.code in html and world.officer.staff.full_name in html and "Họ, chữ đệm và tên" in html
    assert PURPOSE in html and BASIS in html


def test_the_account_page_needs_a_login(db):
    response = Client().get(ACCOUNT)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_citizen_withdraws_a_consent_from_the_account_page(world, registries):
    consent = world.consent(world.citizen, fields=["full_name"], purpose=PURPOSE)
    other = world.consent(world.other_citizen, fields=["full_name"], purpose=PURPOSE, text="Tôi đồng ý.")
    client = Client()
    client.force_login(world.citizen)
    html = client.get(ACCOUNT).content.decode()
    assert rows(html, "my-consents") == [str(consent.pk)]
    # Someone else's consent: not found, unchanged.
    assert client.post(f"{ACCOUNT}dong-y/{other.pk}/rut/").status_code == 404
    response = client.post(f"{ACCOUNT}dong-y/{consent.pk}/rut/")
    assert response.status_code == 302
    consent.refresh_from_db()
    other.refresh_from_db()
    assert consent.withdrawn_at is not None and other.withdrawn_at is None
    assert "Đã rút lại" in client.get(ACCOUNT).content.decode()


def test_the_auditor_sees_flagged_staff_lookups_and_marks_them_reviewed(world, registries):
    flagged = officer_lookup(
        world,
        identifier=world.examples["business"],
        registry="business",
        fields=["name"],
        purpose="Xác minh doanh nghiệp khi tư vấn thủ tục",
    )
    in_dossier = officer_lookup(world, identifier=world.examples["person"], dossier=world.receive())
    client = verified_session(world.auditor)
    page = client.get(FLAGGED)
    assert page.status_code == 200
    assert rows(page.content.decode(), "flagged-lookups") == [str(flagged.pk)]
    assert f'href="{FLAGGED}" aria-current="page"' in page.content.decode()  # in the auditor's menu
    assert f'data-lookup="{in_dossier.pk}"' not in page.content.decode()
    answer = client.post(FLAGGED, {"lookup": flagged.pk, "note": "Đã hỏi cán bộ: đúng mục đích."})
    assert answer.status_code == 302
    flagged.refresh_from_db()
    assert flagged.reviewed_by == world.auditor and flagged.review_note == "Đã hỏi cán bộ: đúng mục đích."
    assert rows(client.get(FLAGGED).content.decode(), "flagged-lookups") == []
    reviewed = client.get(FLAGGED + "?xem=da-xem-xet").content.decode()
    assert rows(reviewed, "flagged-lookups") == [str(flagged.pk)]
    # A second review of the same lookup is refused and changes nothing.
    again = client.post(FLAGGED, {"lookup": flagged.pk, "note": "lần hai"})
    assert again.status_code == 409
    flagged.refresh_from_db()
    assert flagged.review_note == "Đã hỏi cán bộ: đúng mục đích."


@pytest.mark.parametrize("who", ["officer", "citizen"])
def test_nobody_but_the_auditor_sees_the_flagged_lookups(world, registries, who):
    flagged = officer_lookup(
        world, identifier=world.examples["person"], purpose="Kiểm tra thông tin nhân thân theo yêu cầu"
    )
    if who == "officer":
        client = verified_session(world.officer)
        assert client.get(FLAGGED).status_code == 404
        assert client.post(FLAGGED, {"lookup": flagged.pk}).status_code == 404
        inbox = client.get("/can-bo/")
        assert (
            inbox.status_code == 200 and f'href="{FLAGGED}"' not in inbox.content.decode()
        )  # not in the menu
    else:
        client = Client()
        client.force_login(world.citizen)
        assert client.get(FLAGGED).status_code == 302  # to the workspace login
    flagged.refresh_from_db()
    assert flagged.reviewed_at is None


def test_the_audit_rows_and_consents_are_read_only_in_the_admin(world, registries, admin_client):
    lookup = officer_lookup(world, identifier=world.examples["person"], dossier=world.receive())
    assert admin_client.get(f"/admin/registries/lookup/{lookup.pk}/change/").status_code == 200
    assert admin_client.get("/admin/registries/lookup/add/").status_code == 403
    assert admin_client.post(f"/admin/registries/lookup/{lookup.pk}/delete/").status_code == 403
    assert Lookup.objects.filter(pk=lookup.pk).exists() and not Consent.objects.exists()


def test_the_pages_read_a_fixed_number_of_queries_whatever_the_rows(
    world, registries, django_assert_max_num_queries
):
    dossier = world.receive(applicant=world.citizen, id_number=world.citizen.national_id)
    for purpose in ("Đăng ký kết hôn", "Đăng ký thường trú", "Cấp giấy xác nhận tình trạng hôn nhân"):
        officer_lookup(world, identifier=world.citizen.national_id, dossier=dossier, purpose=purpose)
        officer_lookup(
            world, identifier=world.citizen.national_id, purpose=purpose + " — tư vấn trước khi nộp"
        )
        world.consent(world.citizen, fields=["full_name"], purpose=purpose, text="Tôi đồng ý.")
    citizen = Client()
    citizen.force_login(world.citizen)
    citizen.get(ACCOUNT)  # the session's first read
    with django_assert_max_num_queries(4):  # session + account, count, lookups, consents
        assert len(rows(citizen.get(ACCOUNT).content.decode(), "lookups-about-me")) == 6
    auditor = verified_session(world.auditor)
    auditor.get(FLAGGED)
    with django_assert_max_num_queries(5):  # session + account, positions, count, lookups
        assert len(rows(auditor.get(FLAGGED).content.decode(), "flagged-lookups")) == 3


def test_another_citizens_refused_attempt_shows_without_their_name(world, registries):
    consent = world.consent(world.other_citizen, fields=["full_name"], purpose=PURPOSE, text="Tôi đồng ý.")
    with pytest.raises(DomainError, match="không bao gồm"):
        world.look_up(
            world.other_citizen,
            world.citizen.national_id,
            fields=["full_name"],
            purpose=PURPOSE,
            consent=consent,
        )
    client = Client()
    client.force_login(world.citizen)
    html = client.get(ACCOUNT).content.decode()
    assert len(rows(html, "lookups-about-me")) == 1
    assert "Một công dân khác" in html and world.other_citizen.full_name not in html
    assert "bị từ chối" in html
