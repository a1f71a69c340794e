"""``{% dossier_notifications dossier %}``: what the applicant was told about one dossier, on its portal page
(the one ``{% include %}`` the notifications app adds to the citizen's dossier page)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_dossier_notifications.html", takes_context=True)
def dossier_notifications(context: template.Context, dossier: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    found = []
    if user is not None and user.is_authenticated and dossier is not None:
        found = selectors.notifications_of_dossier(citizen=user, dossier=dossier)
    return {"notifications": found, "dossier": dossier}
