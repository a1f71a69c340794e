"""``legal.*`` and ``catalog.unconfirmed``: every version cites a legal basis in force on its first day, and
the catalog's own "[kiểm tra]" flags are listed.

- ``legal.not_in_force`` (error): the version's legal basis cites a document of the catalog's list of legal
  documents (``LegalDocument``, the ``legal_documents`` section of the interchange format) that is not in
  force on the version's ``valid_from``: already replaced (the message names what replaced it) or not yet
  in force;
- ``legal.superseded`` (warning): on the checked date a cited document is no longer in force although the
  version still is: the procedure needs a new version;
- ``legal.missing`` (warning): the version cites no legal basis at all;
- ``catalog.unconfirmed`` (information, never an error): the version's text carries "[kiểm tra]" flags (a
  name, link or figure that could not be confirmed offline); the finding says where.

A document is cited when its number (``01/2021/NĐ-CP``) appears in the legal basis, compared without case or
diacritics (``01/2021/ND-CP`` matches) and not as part of a longer number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import LegalDocument, ProcedureVersion, RequiredDocument, fold
from .report import ERROR, INFO, WARNING, AddFinding

FLAG = "[kiểm tra]"
_FOLDED_FLAG = fold(FLAG)


@dataclass(frozen=True)
class Cited:
    number: str
    pattern: re.Pattern[str]
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    replaced_by: str


def legal_index() -> list[Cited]:
    """The legal documents with a pattern that finds each one's number in a text (one query)."""
    rows = LegalDocument.objects.values_list("number", "in_force_from", "in_force_to", "replaced_by__number")
    return [
        Cited(
            number,
            re.compile(rf"(?<![0-9a-z/]){re.escape(fold(number))}(?![0-9a-z])"),
            start,
            end,
            replaced or "",
        )
        for number, start, end, replaced in rows
    ]


def cited_in(text: str, index: Iterable[Cited]) -> list[Cited]:
    folded = fold(text)
    return [doc for doc in index if doc.pattern.search(folded)]


@dataclass
class VersionText:
    """The texts of a version the legal checks read."""

    valid_from: dt.date
    legal_basis: str
    texts: dict[str, str] = field(default_factory=dict)


def version_texts(ids: list[int]) -> dict[int, VersionText]:
    """Valid-from, legal basis and each text that may carry a "[kiểm tra]" flag, per version (two queries)."""
    out: dict[int, VersionText] = {}
    rows = ProcedureVersion.objects.filter(pk__in=ids).values_list(
        "id",
        "valid_from",
        "legal_basis",
        "source",
        "notes",
        "result_name",
        "result_template",
        "result_validity",
        "fee_rules",
    )
    for pk, valid_from, legal_basis, source, notes, result, template, validity, fee_rules in rows:
        out[pk] = VersionText(
            valid_from,
            legal_basis or "",
            {
                _("căn cứ pháp lý"): legal_basis or "",
                _("nguồn công bố"): source or "",
                _("ghi chú"): notes or "",
                _("kết quả"): " ".join((result or "", template or "", validity or "")),
                _("phí, lệ phí"): str(fee_rules or ""),
            },
        )
    documents = RequiredDocument.objects.filter(version_id__in=ids).values_list(
        "version_id", "name", "condition"
    )
    for version_id, name, condition in documents:
        label = _("thành phần “%(name)s”") % {"name": name[:60]}
        out[version_id].texts[label] = f"{name} {condition}"
    return out


def check_legal_basis(add: AddFinding, text: VersionText | None, index: list[Cited], *, on: dt.date) -> None:
    if text is None:
        return
    if not text.legal_basis.strip():
        add(WARNING, "legal.missing", _("phiên bản không ghi căn cứ pháp lý"))
        return
    start = text.valid_from
    for doc in cited_in(text.legal_basis, index):
        if doc.in_force_to is not None and doc.in_force_to <= start:
            replaced = (
                _("; thay thế bởi %(replaced)s") % {"replaced": doc.replaced_by} if doc.replaced_by else ""
            )
            add(
                ERROR,
                "legal.not_in_force",
                _(
                    "căn cứ pháp lý %(number)s đã hết hiệu lực từ %(end)s, trước ngày phiên bản có hiệu lực "
                    "%(start)s%(replaced)s"
                )
                % {
                    "number": doc.number,
                    "end": f"{doc.in_force_to:%d/%m/%Y}",
                    "start": f"{start:%d/%m/%Y}",
                    "replaced": replaced,
                },
            )
        elif doc.in_force_from is not None and doc.in_force_from > start:
            add(
                ERROR,
                "legal.not_in_force",
                _(
                    "căn cứ pháp lý %(number)s chỉ có hiệu lực từ %(begin)s, sau ngày phiên bản có hiệu lực "
                    "%(start)s"
                )
                % {
                    "number": doc.number,
                    "begin": f"{doc.in_force_from:%d/%m/%Y}",
                    "start": f"{start:%d/%m/%Y}",
                },
            )
        elif doc.in_force_to is not None and doc.in_force_to <= on:
            replaced = (
                _(" (thay thế bởi %(replaced)s)") % {"replaced": doc.replaced_by} if doc.replaced_by else ""
            )
            add(
                WARNING,
                "legal.superseded",
                _("căn cứ pháp lý %(number)s hết hiệu lực từ %(end)s%(replaced)s: cần phiên bản mới")
                % {"number": doc.number, "end": f"{doc.in_force_to:%d/%m/%Y}", "replaced": replaced},
            )


def check_flags(add: AddFinding, text: VersionText | None) -> None:
    """One information finding per version whose texts carry "[kiểm tra]", naming where and how many."""
    if text is None:
        return
    places = []
    total = 0
    for label, value in text.texts.items():
        count = fold(value).count(_FOLDED_FLAG)
        if count:
            total += count
            places.append(label)
    if total:
        add(
            INFO,
            "catalog.unconfirmed",
            _("%(count)s mục đánh dấu [kiểm tra] cần đối chiếu với văn bản (%(places)s)")
            % {"count": total, "places": ", ".join(places)},
        )
