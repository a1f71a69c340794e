"""The Django template backend motcua renders with: Django's own, its ``i18n`` library replaced by
``motcua.core.templatetags.cached_i18n`` (the same tags and filters, a translated literal remembered per
language).

The library is put in place here rather than through the ``libraries`` option, which would make Django's
system check warn (templates.W003) that two modules answer ``{% load i18n %}``: that is the point.
"""

from __future__ import annotations

from typing import Any

from django.template.backends.django import DjangoTemplates as DjangoBackend
from django.template.library import import_library

I18N = "motcua.core.templatetags.cached_i18n"


class DjangoTemplates(DjangoBackend):
    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.engine.template_libraries["i18n"] = import_library(I18N)
