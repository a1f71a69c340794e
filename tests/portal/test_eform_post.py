"""The citizen chooses to receive the result by post in the e-form, with the address the post brings it to
(Decision 45/2016/QĐ-TTg; motcua.postal)."""

from __future__ import annotations

from django.urls import reverse

from motcua.dossiers.models import Dossier

from .test_eform import BIRTH, birth_procedure, logged_in, make_citizen, submit_birth


def test_the_eform_asks_where_the_post_brings_the_result(db):
    birth_procedure()
    page = logged_in(make_citizen()).get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert 'name="result_delivery" value="post"' in page
    assert 'name="delivery_address"' in page and "Nơi bưu điện giao kết quả, nhận hồ sơ" in page


def test_a_result_by_post_goes_to_the_address_typed_or_else_to_the_applicants(db):
    birth_procedure()
    citizen = make_citizen()
    client = logged_in(citizen)
    submit_birth(client, result_delivery="post", delivery_address="  5 Trần Hưng Đạo, phường Phú Xuân  ")
    submit_birth(client, submission_key="key-0002-abcdef", result_delivery="post")
    submit_birth(client, submission_key="key-0003-abcdef", delivery_address="ignored unless by post")
    rows = list(
        Dossier.objects.filter(applicant=citizen)
        .order_by("id")
        .values_list("result_delivery", "delivery_address", "applicant_address")
    )
    assert [r[:2] for r in rows] == [
        ("post", "5 Trần Hưng Đạo, phường Phú Xuân"),
        ("post", ""),
        ("online", ""),
    ]
    assert rows[1][2].startswith("12 Lê Lợi")  # the shipment goes to the applicant's address
