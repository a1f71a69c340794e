"""The workspace menu (workspace/jinja2/workspace/layout.html): links shown only to the roles whose pages they
open. The workspace app gives these to the Jinja layouts (``motcua.core.jinja.GLOBALS``, ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from motcua.dossiers import access
from motcua.org.models import Role


def is_auditor(request: Any) -> bool:
    """Whether the signed-in officer holds the auditor role today (the organization's snapshot: no query
    once the request has read the snapshot tokens)."""
    user = getattr(request, "user", None)
    return access.actor(user, timezone.localdate()).holds(Role.AUDITOR)
