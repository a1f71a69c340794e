"""The workspace menu: links shown only to the roles whose pages they open."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from motcua.dossiers import access
from motcua.org.models import Role

register = template.Library()


def auditor(request: Any) -> bool:
    """Whether the signed-in officer holds the auditor role today (the organization's snapshot: no query
    once the request has read the snapshot tokens)."""
    user = getattr(request, "user", None)
    return access.actor(user, timezone.localdate()).holds(Role.AUDITOR)


@register.simple_tag(takes_context=True)
def is_auditor(context: Any) -> bool:
    return auditor(context.get("request"))
