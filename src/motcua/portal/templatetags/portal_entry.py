"""What the site's home page (org/home.html) shows of the portal: the search box's form, the task-led entries
and which agencies have procedures to link to. The org app cannot import the portal (the import layers), so
its page asks through these tags."""

from __future__ import annotations

from django import template
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.portal import selectors
from motcua.portal.forms import ProcedureSearchForm

register = template.Library()


@register.simple_tag
def procedure_search_form() -> ProcedureSearchForm:
    """The search box alone (no filters): the home page sends it to the procedure search."""
    return ProcedureSearchForm()


@register.simple_tag
def featured_procedures() -> list[Procedure]:
    return selectors.featured_procedures(on=timezone.localdate())


@register.simple_tag
def agencies_with_procedures() -> frozenset[str]:
    return selectors.agencies_with_procedures(on=timezone.localdate())
