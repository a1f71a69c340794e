"""Writes of the citizen portal: the citizen account behind an e-ID login."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError

NATIONAL_ID = re.compile(r"^\d{12}$")
CITIZEN_PREFIX = "cd:"


def citizen_username(national_id: str) -> str:
    return f"{CITIZEN_PREFIX}{national_id}"


SEXES = {"male": "Nam", "female": "Nữ"}


def _birth_date(claim: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(claim)) if claim else None
    except ValueError:
        return None  # a malformed optional claim is ignored, never a reason to refuse the login


@transaction.atomic
def sign_in_citizen(*, national_id: str, full_name: str, birthdate: Any = None, gender: Any = None) -> User:
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
    known = {
        "full_name": full_name or user.full_name,
        "national_id": national_id,
        "birth_date": _birth_date(birthdate) or user.birth_date,
        "sex": SEXES.get(str(gender or "").lower(), user.sex),
    }
    changed = [name for name, value in known.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, known[name])
        user.save(update_fields=changed)
    if not user.is_active:
        raise DomainError(
            "login.inactive", _("Tài khoản của bạn đã bị khóa. Vui lòng liên hệ cơ quan quản lý.")
        )
    return user
