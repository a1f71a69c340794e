"""The portal asks how the result is returned (online by default, form 01) and shows when a conditional
document is needed (catalog ``RequiredDocument.condition``)."""

from __future__ import annotations

from django.urls import reverse

from motcua.dossiers.models import Dossier

from .test_eform import BIRTH, birth_procedure, logged_in, make_citizen, submit_birth


def test_an_online_dossier_gets_its_result_online_unless_the_citizen_chooses(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    page = client.get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert 'name="result_delivery" value="online" checked' in page
    submit_birth(client)
    submit_birth(client, submission_key="key-0002-abcdef", result_delivery="post")
    deliveries = list(
        Dossier.objects.filter(applicant=citizen).order_by("id").values_list("result_delivery", flat=True)
    )
    assert deliveries == ["online", "post"]


def test_the_procedure_page_and_the_eform_say_when_a_conditional_document_is_needed(client, db):
    birth_procedure()
    body = client.get(f"/dich-vu-cong/thu-tuc/{BIRTH}/").content.decode()
    assert "Văn bản cam đoan về việc sinh" in body
    assert "Chỉ khi không có giấy chứng sinh và không có người làm chứng" in body
    eform = logged_in(make_citizen()).get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert "Chỉ khi không có giấy chứng sinh và không có người làm chứng" in eform
