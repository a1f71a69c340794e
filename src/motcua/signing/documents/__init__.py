"""Result documents as A4 PDF: a catalog template (models.DocumentTemplate) filled with a dossier's data.

``render`` runs the template's title and body in the sandbox (sandbox.py), reads the markup (markup.py) and
lays the document out as Decree 30/2020/NĐ-CP Annex I prescribes (pdf.py). It returns the PDF, its text, and
where the leader's signature and the agency's seal appearances go (Box, PDF points from the bottom left)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from motcua.signing.models import DocumentKind, DocumentTemplate

from .context import Signer, context_for_dossier, date_text, full_symbol, sample_context, template_for
from .markup import Block, parse, plain
from .pdf import PAGE_H, PT_PER_MM, Area, layout
from .sandbox import render_text


@dataclass(frozen=True)
class Box:
    """A visible-signature rectangle in PDF user units (pt), origin bottom-left."""

    page: int  # 0-based
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    signer_box: Box  # the leader's signature appearance: the room in the signature block
    seal_box: Box  # the seal's appearance: over the left third of the signature (Decree 30/2020 Annex I)
    text: str  # the document's text as laid out (for tests and search)


@dataclass(frozen=True)
class Content:
    """A template filled with data, before layout: what the verifier checks and the PDF shows."""

    title: str
    blocks: list[Block]
    recipients: list[str]


def fill(*, template: DocumentTemplate, context: Mapping[str, Any]) -> Content:
    """The template's title, body and recipients filled in the sandbox (DomainError on a template error)."""
    title = render_text(template.title, context, what=f"{template.name}: tên văn bản")
    body = render_text(template.body, context, what=f"{template.name}: nội dung")
    recipients = render_text(template.recipients or "", context, what=f"{template.name}: nơi nhận")
    return Content(
        title=title,
        blocks=parse(body),
        recipients=[plain(line).strip() for line in recipients.splitlines() if line.strip()],
    )


def _box(area: Area) -> Box:
    return Box(
        page=area.page,
        x1=round(area.x * PT_PER_MM, 2),
        y1=round((PAGE_H - area.y - area.h) * PT_PER_MM, 2),
        x2=round((area.x + area.w) * PT_PER_MM, 2),
        y2=round((PAGE_H - area.y) * PT_PER_MM, 2),
    )


def render(*, template: DocumentTemplate, context: Mapping[str, Any]) -> Rendered:
    """The document as A4 PDF; DomainError (document.template_error, …) when the template fails."""
    content = fill(template=template, context=context)
    page = layout(context=context, title=content.title, blocks=content.blocks, recipients=content.recipients)
    signer = page.signer_area
    # The seal covers about a third of the signature, on its left (Decree 30/2020/NĐ-CP Annex I, II.9).
    seal_w = min(signer.h + 4, signer.w * 0.6)
    seal = Area(page=signer.page, x=signer.x - seal_w / 3, y=signer.y - 1, w=seal_w, h=signer.h + 2)
    return Rendered(pdf=page.pdf, signer_box=_box(signer), seal_box=_box(seal), text=page.text)


__all__ = [
    "Box",
    "Content",
    "DocumentKind",
    "Rendered",
    "Signer",
    "context_for_dossier",
    "date_text",
    "fill",
    "full_symbol",
    "render",
    "sample_context",
    "template_for",
]
