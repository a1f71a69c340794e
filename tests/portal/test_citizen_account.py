"""The citizen account behind an e-ID login."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.portal.services import sign_in_citizen

pytestmark = pytest.mark.django_db


def test_a_citizen_account_follows_the_name_the_provider_gives():
    first = sign_in_citizen(national_id="046085001234", full_name="Nguyễn Văn An")
    again = sign_in_citizen(national_id="046085001234", full_name="Nguyễn  Văn   Ân")
    assert first.pk == again.pk
    assert again.username == "cd:046085001234" and again.full_name == "Nguyễn Văn Ân"


def test_an_identity_without_a_twelve_digit_personal_id_number_is_refused():
    from django.contrib.auth import get_user_model

    before = get_user_model().objects.count()
    with pytest.raises(DomainError) as refused:
        sign_in_citizen(national_id="12345", full_name="Ai đó")
    assert refused.value.code == "login.identity"
    assert get_user_model().objects.count() == before


def test_a_blocked_citizen_account_cannot_log_in():
    user = sign_in_citizen(national_id="046190004321", full_name="Trần Thị Bích Ngọc")
    user.is_active = False
    user.save()
    with pytest.raises(DomainError) as refused:
        sign_in_citizen(national_id="046190004321", full_name="Trần Thị Bích Ngọc")
    assert refused.value.code == "login.inactive"


def test_birth_date_and_sex_from_the_e_id_are_kept_and_a_malformed_date_is_ignored(db):
    user = sign_in_citizen(
        national_id="046195007777", full_name="Lê Thị Hoa", birthdate="1995-02-01", gender="female"
    )
    assert user.birth_date == dt.date(1995, 2, 1) and user.sex == "Nữ"
    again = sign_in_citizen(national_id="046195007777", full_name="Lê Thị Hoa", birthdate="01/02/1995")
    assert again.birth_date == dt.date(1995, 2, 1) and again.sex == "Nữ"
