"""The dossier register of a reception point for a year (Sổ theo dõi hồ sơ, Circular 03/2025/TT-VPCP
Annex I, form 07): its lines as data, as CSV (streamed, for years of any size) and as a printable A4 PDF.

A line is written when a dossier is received at the point (``services.register.enter_in_register``); the
columns follow form 07 as far as it could be read (docs/legal-basis.md, section 11): the ones marked
``confirmed=False`` below are **[kiểm tra]** against the text of the form.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import font_roboto
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from motcua.core.errors import DomainError
from motcua.dossiers.constants import State
from motcua.dossiers.models import DossierRegister, DossierRegisterEntry
from motcua.org.models import ReceptionPoint

FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True)
class Column:
    title: object  # a lazy translation
    width: float  # millimetres on the landscape A4 print
    confirmed: bool = True


# Form 07's columns. confirmed=False: the column (or its wording) is [kiểm tra] against the form's text.
COLUMNS = (
    Column(gettext_lazy("STT"), 10),
    Column(gettext_lazy("Mã hồ sơ"), 30),
    Column(gettext_lazy("Tên thủ tục hành chính"), 34),
    Column(gettext_lazy("Số lượng hồ sơ (bộ)"), 12, confirmed=False),
    Column(gettext_lazy("Tên cá nhân, tổ chức"), 26),
    Column(gettext_lazy("Địa chỉ, số điện thoại"), 30),
    Column(gettext_lazy("Ngày nhận hồ sơ"), 18),
    Column(gettext_lazy("Ngày hẹn trả kết quả"), 18),
    Column(gettext_lazy("Chuyển hồ sơ đến cơ quan giải quyết"), 26),
    Column(gettext_lazy("Ngày có kết quả"), 18, confirmed=False),
    Column(gettext_lazy("Ngày trả kết quả"), 18),
    Column(gettext_lazy("Hình thức nhận kết quả"), 16, confirmed=False),
    Column(gettext_lazy("Ghi chú"), 21),
)


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError("register.year", _("Năm của sổ theo dõi hồ sơ không hợp lệ."))
    return year


def register_of(*, reception_point: ReceptionPoint, year: int) -> DossierRegister | None:
    """The book of ``reception_point`` for ``year`` (None before its first dossier of the year)."""
    return DossierRegister.objects.filter(reception_point=reception_point, year=check_year(year)).first()


def _day(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else ""


def _note(entry: DossierRegisterEntry) -> str:
    dossier = entry.dossier
    notes = [dossier.get_channel_display()]
    if dossier.state in (State.STOPPED, State.WITHDRAWN):
        notes.append(dossier.get_state_display())
    if dossier.postal_tracking_number:
        notes.append(_("bưu gửi %(number)s") % {"number": dossier.postal_tracking_number})
    return "; ".join(str(n) for n in notes)


def line_of(entry: DossierRegisterEntry) -> list[str]:
    dossier = entry.dossier
    contact = ", ".join(x for x in (dossier.applicant_address, dossier.applicant_phone) if x)
    return [
        str(entry.number),
        dossier.code,
        dossier.procedure.name,
        f"{dossier.dossier_sets:02d}",
        dossier.applicant_name,
        contact,
        _day(dossier.received_at),
        _day(dossier.appointment_at),
        dossier.competent_agency.name,
        _day(dossier.finished_at),
        _day(dossier.returned_at),
        str(dossier.get_result_delivery_display()),
        _note(entry),
    ]


def lines(*, reception_point: ReceptionPoint, year: int, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The book's lines in số thứ tự order, read in chunks (a busy point enters tens of thousands a year)."""
    entries = (
        DossierRegisterEntry.objects.filter(register__reception_point=reception_point, register__year=year)
        .select_related("dossier", "dossier__procedure", "dossier__competent_agency")
        .order_by("number")
    )
    for entry in entries.iterator(chunk_size=chunk_size):
        yield line_of(entry)


def header() -> list[str]:
    return [str(column.title) for column in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(*, reception_point: ReceptionPoint, year: int) -> Iterator[str]:
    """The register as CSV text, one row at a time (UTF-8 with a byte-order mark, so spreadsheets read the
    Vietnamese text), for a streaming response."""
    check_year(year)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_("SỔ THEO DÕI HỒ SƠ"), reception_point.name, str(year)])
    yield writer.writerow(header())
    for line in lines(reception_point=reception_point, year=year):
        yield writer.writerow(line)


def register_pdf(*, reception_point: ReceptionPoint, year: int, compress: bool = True) -> bytes:
    """The register printed on landscape A4 with Roboto: title, point, book number, then the lines."""
    check_year(year)
    book = register_of(reception_point=reception_point, year=year)
    pdf = FPDF(orientation="L", format="A4", unit="mm")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("Roboto", "", font_roboto.Roboto)
    pdf.add_font("Roboto", "B", font_roboto.RobotoBold)
    title = _("SỔ THEO DÕI HỒ SƠ")
    pdf.set_title(f"{title} {reception_point.code} {year}")
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Roboto", "B", 10)
    pdf.cell(width / 2, 5, reception_point.agency.name.upper()[:70], new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(
        width / 2, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("Roboto", "", 10)
    pdf.cell(width / 2, 5, "Mẫu số 07", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(width / 2, 5, "Độc lập - Tự do - Hạnh phúc", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    pdf.set_font("Roboto", "B", 14)
    pdf.cell(width, 7, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Roboto", "", 10)
    label = book.book_label if book else f"01/{year}"
    pdf.cell(
        width,
        6,
        f"{reception_point.name} — {_('Quyển số')}: {label} — {_('Năm')} {year}",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    pdf.set_font("Roboto", "", 7)
    with pdf.table(
        text_align="LEFT", line_height=3.5, col_widths=tuple(c.width for c in COLUMNS), repeat_headings=1
    ) as table:
        row = table.row()
        for cell in header():
            row.cell(cell)
        for values in lines(reception_point=reception_point, year=year):
            row = table.row()
            for cell in values:
                row.cell(cell)
    return bytes(pdf.output())
