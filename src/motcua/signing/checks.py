"""The verifier's ``document.template`` check (``settings.MOTCUA_CATALOG_CHECKS``): a version's result
template fills and parses with sample data built from the version's e-form, so that a broken template is
found when the catalog is verified, not when a leader signs."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.catalog.verifier.report import ERROR, AddFinding
from motcua.catalog.verifier.versions import VersionRow
from motcua.core.errors import DomainError
from motcua.signing.documents import fill, sample_context
from motcua.signing.models import DocumentKind, DocumentTemplate


def check_version(add: AddFinding, version: VersionRow) -> None:
    template = (
        DocumentTemplate.objects.filter(
            kind=DocumentKind.RESULT,
            version__procedure_id=version.procedure_id,
            version__number__lte=version.number,
        )
        .order_by("-version__number")
        .first()
    )
    if template is None:
        return  # the shared result template applies; it is checked where it is edited (admin preview)
    context = sample_context(template=template, version=None, form_schema=version.form_schema or {})
    try:
        fill(template=template, context=context)
    except DomainError as exc:
        add(
            ERROR,
            "document.template",
            _("mẫu văn bản kết quả '%(name)s' không hiển thị được với dữ liệu mẫu: %(error)s")
            % {"name": template.name, "error": str(exc)},
        )
