"""The workspace header (workspace/jinja2/workspace/layout.html): who is logged in (name, role, agency and
reception point of each position held today) and the menu, each link shown only to the roles whose page it
opens, as the one access policy (``dossiers.access``) decides them. The workspace app gives these to the Jinja
layouts (``motcua.core.jinja.GLOBALS``, ``apps.py``). Everything comes from the organization's snapshot: no
query once the request has read the snapshot tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core import labels
from motcua.dossiers import access, lookups
from motcua.org import selectors as org_selectors
from motcua.org.models import Role
from motcua.workspace.access import request_actor


@dataclass(frozen=True)
class MenuEntry:
    url_name: str  # in the workspace namespace; also the page's name in ``access.Page``
    label: Any  # lazy: translated at render


# Who sees an entry is who may open its page: ``access.may_open``, the check the page itself makes.
MENU = (
    MenuEntry(access.Page.INBOX, _("Hồ sơ cần xử lý")),
    MenuEntry(access.Page.APOLOGIES, _("Xin lỗi, hẹn lại")),
    MenuEntry(access.Page.RECEPTION, _("Tiếp nhận tại quầy")),
    MenuEntry(access.Page.FORWARDINGS, _("Hồ sơ chuyển đi")),
    MenuEntry(access.Page.ASSISTED, _("Hỗ trợ nộp trực tuyến")),
    MenuEntry(access.Page.REGISTER, _("Sổ theo dõi hồ sơ")),
    MenuEntry(access.Page.FLAGGED_LOOKUPS, _("Khai thác dữ liệu ngoài hồ sơ")),
)


def _actor(request: Any) -> access.Actor:
    if getattr(request, "user", None) is None:
        return access.actor(None, timezone.localdate())
    return request_actor(request)  # once per request: the header asks twice, the page more


def is_auditor(request: Any) -> bool:
    """Whether the signed-in officer holds the auditor role today (the organization's snapshot: no query
    once the request has read the snapshot tokens)."""
    return access.may_open(_actor(request), access.Page.FLAGGED_LOOKUPS)


def menu_entries(request: Any) -> list[MenuEntry]:
    """The menu links the signed-in officer's positions today open."""
    who = _actor(request)
    return [entry for entry in MENU if access.may_open(who, entry.url_name)]


@dataclass(frozen=True)
class HeldPosition:
    role: str
    agency: str
    reception_point: str


def officer_identity(request: Any) -> dict[str, Any]:
    """Name and positions held today: ``{"name": …, "positions": [HeldPosition(role, agency, point)]}``."""
    user = getattr(request, "user", None)
    today = timezone.localdate()
    positions = []
    for held in _actor(request).held:
        agency = lookups.agency(pk=held.agency_id)
        point = (
            org_selectors.reception_point_in_force(pk=held.reception_point_id, on=today)
            if held.reception_point_id is not None
            else None
        )
        positions.append(
            HeldPosition(
                role=str(labels.label(Role, held.role)),
                agency=agency.name if agency is not None else "",
                reception_point=point.name if point is not None else "",
            )
        )
    name = getattr(user, "full_name", "") or getattr(user, "username", "")
    return {"name": name, "positions": positions}
