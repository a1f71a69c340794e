"""Writes of the citizen portal: the citizen account behind an e-ID login."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError

NATIONAL_ID = re.compile(r"^\d{12}$")
CITIZEN_PREFIX = "cd:"


def citizen_username(national_id: str) -> str:
    return f"{CITIZEN_PREFIX}{national_id}"


@transaction.atomic
def sign_in_citizen(*, national_id: str, full_name: str) -> User:
    """Find or create the citizen account (username ``cd:<national_id>``) for a verified e-ID identity.

    The name follows what the identity provider says at each login. Raises DomainError
    ``login.identity`` when the provider's identity is not a 12-digit personal ID number.
    """
    national_id = (national_id or "").strip()
    if not NATIONAL_ID.match(national_id):
        raise DomainError(
            "login.identity",
            _("Hệ thống định danh điện tử không trả về số định danh cá nhân hợp lệ (12 chữ số)."),
        )
    full_name = " ".join((full_name or "").split())[:200]
    user_model = get_user_model()
    user, created = user_model.objects.select_for_update().get_or_create(
        username=citizen_username(national_id),
        defaults={"national_id": national_id, "full_name": full_name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif (user.full_name, user.national_id) != (full_name or user.full_name, national_id):
        user.full_name = full_name or user.full_name
        user.national_id = national_id
        user.save(update_fields=["full_name", "national_id"])
    if not user.is_active:
        raise DomainError(
            "login.inactive", _("Tài khoản của bạn đã bị khóa. Vui lòng liên hệ cơ quan quản lý.")
        )
    return user
