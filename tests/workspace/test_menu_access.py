"""The menu and the pages ask one access policy (``dossiers.access.may_open``): for every role, a menu
entry is shown iff its page lets the officer in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.access import PAGE_ROLES, Page
from motcua.org.models import Position, Role
from motcua.workspace.menu import MENU

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db


def only(role: str):
    """A demo officer whose positions today are all of ``role`` (None when the demo has none)."""
    today = timezone.localdate()
    for position in Position.objects.valid_on(today).filter(role=role).select_related("staff__user")[:50]:
        roles = set(
            Position.objects.valid_on(today).filter(staff=position.staff).values_list("role", flat=True)
        )
        if roles == {role}:
            return officer(position.staff.user.username)
    return None


def test_every_menu_entry_is_a_page_of_the_policy():
    assert (
        {entry.url_name for entry in MENU}
        == set(PAGE_ROLES)
        == {v for k, v in vars(Page).items() if k.isupper()}
    )


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.CITIZEN])
def test_a_role_sees_a_menu_entry_iff_the_page_lets_it_in(client, hue, role):
    user = only(role)
    if user is None:
        pytest.skip(f"the demo has no officer holding only {role}")
    log_in(client, user)
    home = client.get(reverse("workspace:inbox")).content.decode()
    nav = re.search(r"<nav[^>]*>.*?</nav>", home, re.S)
    assert nav is not None
    for entry in MENU:
        url = reverse(f"workspace:{entry.url_name}")
        shown = f'href="{url}"' in nav.group(0)
        status = client.get(url).status_code
        assert shown == (status == 200), (role, entry.url_name, shown, status)
        assert status in (200, 403, 404)
        expected = PAGE_ROLES[entry.url_name] is None or role in PAGE_ROLES[entry.url_name]
        assert shown == expected, (role, entry.url_name)
