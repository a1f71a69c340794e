"""An administrative document on A4, laid out as Decree 30/2020/NĐ-CP Annex I prescribes.

Margins (Annex I, II.2): top and bottom 20 mm, left 30 mm, right 15 mm. Top left: the superior body
(upper case, regular) above the issuing agency (upper case, bold) with a short rule under it, then
"Số: …"; top right: the national name (upper case, bold) above the motto "Độc lập - Tự do - Hạnh phúc"
(bold, underlined by a rule as long as the motto), then place and date (italic). Title bold and centred;
body justified; the signature block right (authority, position in upper case bold, room for the
signature, then the signer's name bold); "Nơi nhận:" left (bold italic, the list in 11 pt). Below, the QR
code of the verification address and the address as text."""

from __future__ import annotations

import copy
import io
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from motcua.core.errors import DomainError

from .. import errors
from . import fontsubset
from .embedding import FaceProducer
from .markup import Block, plain

_STYLED = re.compile(r"(?<!\\)(\*\*|__)")

logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FONT = "LiberationSerif"
FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
BODY_W = PAGE_W - LEFT - RIGHT
# Header columns: the agency's (left) and the national name's (right), as wide as the longest line needs.
HEAD_LEFT_X, HEAD_LEFT_W = 18.0, 74.0
HEAD_RIGHT_X, HEAD_RIGHT_W = 92.0, 108.0
SIGN_X, SIGN_W = 105.0, PAGE_W - RIGHT - 105.0
SIGNATURE_ROOM = 32.0  # mm between the position and the name: the signature (and seal) appearance
QR_SIZE = 24.0
BODY_SIZE = 13
LINE = 6.6
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Area:
    """A rectangle on a page, in mm from the top-left corner (fpdf2's coordinates)."""

    page: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Page:
    pdf: bytes
    signer_area: Area
    text: str


def font_dir() -> Path:
    return Path(getattr(settings, "MOTCUA_DOCUMENT_FONTS", "/usr/share/fonts/truetype/liberation2"))


def _check_fonts() -> Path:
    folder = font_dir()
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise DomainError(
            errors.FONT_MISSING,
            _(
                "Không có phông chữ Liberation Serif (%(missing)s) trong %(folder)s: cài gói Debian "
                "fonts-liberation2 (make demo / make test cài sẵn) hoặc đặt MOTCUA_DOCUMENT_FONTS."
            ),
            missing=", ".join(missing),
            folder=str(folder),
        )
    return folder


# What a Vietnamese administrative document is written with: Latin with its extensions and the Vietnamese
# letters (Latin Extended Additional), combining marks, punctuation, currency (₫), arrows, maths, shapes.
CHARACTERS = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x02B0, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x22FF),
    (0x25A0, 0x25FF),
    (0xFB00, 0xFB06),
)


def _plain_face(source: Path, cache: Path) -> Path:
    """The face with what a document uses: the characters above, no OpenType layout tables (no text
    shaping), no hinting. fpdf2 re-reads and subsets each face for each document; the other scripts and
    these tables were most of that work. Written once under the cache folder, keyed by the source file."""
    stat = source.stat()
    target = cache / f"{source.stem}-{stat.st_size}-{int(stat.st_mtime)}-vi.ttf"
    if target.is_file():
        return target
    face = ttLib.TTFont(str(source), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for first, last in CHARACTERS for c in range(first, last + 1)])
    subsetter.subset(face)
    cache.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    face.save(str(partial))
    os.replace(partial, target)
    return target


@lru_cache(maxsize=2)
def _parsed_fonts(folder: str) -> dict[str, tuple[TTFFont, bytes, fontsubset.Face]]:
    """The four faces as fpdf2 parses them (cmap, widths, metrics), with their file and its tables read for
    :mod:`.fontsubset`: once per process."""
    scratch = FPDF()
    cache = Path(settings.VAR_DIR) / "cache" / "document-fonts"
    for style, name in FONT_FILES.items():
        try:
            face = _plain_face(Path(folder) / name, cache)
        except OSError:  # a read-only var directory: the system's temporary folder will do
            face = _plain_face(Path(folder) / name, Path(tempfile.gettempdir()) / "motcua-document-fonts")
        scratch.add_font(FONT, style, str(face))
    faces = {}
    for key, font in scratch.fonts.items():
        if isinstance(font, TTFFont):
            data = Path(font.ttffile).read_bytes()
            faces[key] = (font, data, fontsubset.read(data))
    return faces


def _fresh(parsed: TTFFont, data: bytes, index: int) -> TTFFont:
    """A document's own copy of a parsed face: the parsed tables shared, the glyph subset and the font file
    object its own (fpdf2's own output path, for a font other than these faces, subsets it in place)."""
    font = copy.copy(parsed)
    font.i = index
    font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font._hbfont = None
    font.subset = SubsetMap(font)
    return font


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        folder = _check_fonts()
        # Parsing the four faces for each document was half of its rendering time (fpdf2's add_font).
        self.faces: dict[str, fontsubset.Face] = {}
        for key, (parsed, data, face) in _parsed_fonts(str(folder)).items():
            self.fonts[key] = _fresh(parsed, data, len(self.fonts) + 1)
            self.faces[key] = face
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_creator("motcua")
        self.set_lang("vi")
        self.lines: list[str] = []

    def use(self, style: str = "", size: float = BODY_SIZE) -> None:
        self.set_font(FONT, style, size)

    def centred(
        self, x: float, w: float, text: str, *, style: str = "", size: float = BODY_SIZE, h: float = LINE
    ) -> None:
        """Centred lines in a column, wrapped, starting at the current y."""
        self.use(style, size)
        while size > 10 and self.get_string_width(text) > w and "\n" not in text and len(text) < 60:
            size -= 0.5  # a one-line header item shrinks a little before it wraps
            self.use(style, size)
        self.set_x(x)
        self.multi_cell(w, h, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.lines.extend(part for part in text.splitlines() if part)


def _rule(pdf: _Document, x_centre: float, y: float, width: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(x_centre - width / 2, y, x_centre + width / 2, y)


def _agency_lines(agency: Mapping[str, Any]) -> list[str]:
    name = str(agency.get("name", "")).strip().upper()
    prefix = "ỦY BAN NHÂN DÂN "
    if name.startswith(prefix):
        return [prefix.strip(), name[len(prefix) :]]
    return [name] if name else []


def layout(
    *,
    context: Mapping[str, Any],
    title: str,
    blocks: list[Block],
    recipients: list[str],
) -> Page:
    pdf = _Document()
    pdf.add_page()
    agency = context.get("agency") or {}
    signer = context.get("signer") or {}

    # Header, left column: superior body, agency (bold) and its rule, then the number.
    pdf.set_y(TOP)
    left_centre = HEAD_LEFT_X + HEAD_LEFT_W / 2
    superior = str(agency.get("superior", "")).strip().upper()
    if superior:
        pdf.centred(HEAD_LEFT_X, HEAD_LEFT_W, superior, size=12)
    agency_lines = _agency_lines(agency)
    for line in agency_lines:
        pdf.centred(HEAD_LEFT_X, HEAD_LEFT_W, line, style="B", size=13)
    left_bottom = pdf.get_y()
    if agency_lines:
        pdf.use("B", 13)
        _rule(pdf, left_centre, left_bottom + 0.8, min(30.0, HEAD_LEFT_W / 2))
    # Right column: national name, motto with its rule.
    pdf.set_y(TOP)
    right_centre = HEAD_RIGHT_X + HEAD_RIGHT_W / 2
    pdf.centred(HEAD_RIGHT_X, HEAD_RIGHT_W, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="B", size=12.5)
    motto = "Độc lập - Tự do - Hạnh phúc"
    pdf.centred(HEAD_RIGHT_X, HEAD_RIGHT_W, motto, style="B", size=13)
    pdf.use("B", 13)
    _rule(pdf, right_centre, pdf.get_y() + 0.8, pdf.get_string_width(motto))
    right_bottom = pdf.get_y()

    # Second header row: "Số: …" left, place and date right (italic).
    row = max(left_bottom, right_bottom) + 4
    number = str(context.get("number", "")).strip()
    pdf.set_y(row)
    pdf.centred(HEAD_LEFT_X, HEAD_LEFT_W, f"Số: {number}" if number else "Số:      /", size=13)
    pdf.set_y(row)
    place = str(context.get("place", "")).strip()
    issued = context.get("issued_on") or {}
    when = str(issued.get("text", "")) if isinstance(issued, Mapping) else str(issued)
    pdf.centred(HEAD_RIGHT_X, HEAD_RIGHT_W, f"{place}, {when}" if place else when, style="I", size=13)

    # Title.
    pdf.set_y(pdf.get_y() + 8)
    for part in title.splitlines():
        part = plain(part).strip()
        if part:
            pdf.centred(LEFT, BODY_W, part, style="B", size=14, h=7)
    pdf.set_y(pdf.get_y() + 5)

    # Body.
    for block in blocks:
        _body_block(pdf, block)

    # Signature block (right) and recipients (left) side by side, kept on one page.
    authority = [str(s) for s in (signer.get("authority", ""), signer.get("position", "")) if s]
    authority = [line for item in authority for line in item.splitlines() if line.strip()]
    needed = 6 + LINE * len(authority) + SIGNATURE_ROOM + LINE * 2
    if pdf.get_y() + needed > PAGE_H - BOTTOM:
        pdf.add_page()
    top = pdf.get_y() + 6
    pdf.set_y(top)
    for line in authority:
        pdf.centred(SIGN_X, SIGN_W, line.upper(), style="B", size=13)
    room_top = pdf.get_y()
    signer_area = Area(page=pdf.page - 1, x=SIGN_X + 2, y=room_top + 1, w=SIGN_W - 4, h=SIGNATURE_ROOM - 2)
    pdf.set_y(room_top + SIGNATURE_ROOM)
    name = str(signer.get("name", "")).strip()
    if name:
        pdf.centred(SIGN_X, SIGN_W, name, style="B", size=13)
    sign_bottom = pdf.get_y()
    pdf.set_y(top)
    recipients_bottom = top
    if recipients:
        pdf.set_x(LEFT)
        pdf.use("BI", 12)
        pdf.cell(SIGN_X - LEFT, 6, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.lines.append("Nơi nhận:")
        pdf.use("", 11)
        for line in recipients:
            pdf.set_x(LEFT)
            pdf.multi_cell(SIGN_X - LEFT - 4, 5, line, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.lines.append(line)
        recipients_bottom = pdf.get_y()
    # The pages of the recipients list and of the signature block are the same: recipients are short.
    y = max(sign_bottom, recipients_bottom) + 6

    verify_url = str(context.get("verify_url", "")).strip()
    if verify_url:
        if y + QR_SIZE > PAGE_H - BOTTOM + 8:
            pdf.add_page()
            y = TOP
        qr = segno.make(verify_url, error="m")
        png = io.BytesIO()
        qr.save(png, kind="png", scale=6, border=0)
        png.seek(0)
        pdf.image(png, x=LEFT, y=y, w=QR_SIZE, h=QR_SIZE)
        pdf.set_xy(LEFT + QR_SIZE + 4, y + 4)
        pdf.use("I", 10)
        caption = "Quét mã hoặc truy cập địa chỉ sau để xác thực văn bản:"
        pdf.multi_cell(BODY_W - QR_SIZE - 4, 5, caption, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.use("", 10)
        pdf.multi_cell(BODY_W - QR_SIZE - 4, 5, verify_url, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.lines.extend([caption, verify_url])

    # The faces cut by fontsubset (glyph numbers kept), not by fontTools' subsetter (most of the rendering).
    data = bytes(pdf.output(output_producer_class=FaceProducer))
    missing = sorted({c for font in pdf.fonts.values() for c in getattr(font, "missing_glyphs", ())})
    if missing:
        # A character the font cannot print would be a blank on a signed document: refuse it.
        raise DomainError(
            errors.CHARACTER_UNPRINTABLE,
            _("Văn bản có ký tự không in được bằng phông chữ của văn bản hành chính: %(characters)s"),
            characters=" ".join(f"{chr(c)} (U+{c:04X})" for c in missing),
        )
    # The text in drawing order: the header's left column, then its right column, then down the page.
    return Page(pdf=data, signer_area=signer_area, text="\n".join(pdf.lines))


def _body_block(pdf: _Document, block: Block) -> None:
    if block.kind == "space":
        pdf.set_y(pdf.get_y() + LINE / 2)
        return
    if block.kind == "heading":
        pdf.use("B", BODY_SIZE)
        pdf.set_x(LEFT)
        pdf.multi_cell(
            BODY_W, LINE, block.parts[0], align=Align.C, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.lines.append(plain(block.parts[0]))
        return
    if block.kind == "pair":
        label, value = block.parts
        pdf.use("", BODY_SIZE)
        pdf.set_x(LEFT)
        # The value in bold unless the template already styles it.
        styled = not value or _STYLED.search(value)
        text = f"{label}: {value}" if styled else f"{label}: **{value}**"
        text = text.rstrip()
        pdf.multi_cell(BODY_W, LINE, text, align=Align.L, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.lines.append(plain(text))
        return
    if block.kind == "table":
        pdf.use("", 12)
        pdf.set_x(LEFT)
        with pdf.table(width=BODY_W, align="LEFT", markdown=True, line_height=6, text_align="LEFT") as table:
            for row in block.rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
                pdf.lines.append(" | ".join(plain(c) for c in row))
        pdf.set_y(pdf.get_y() + 2)
        return
    pdf.use("", BODY_SIZE)
    pdf.set_x(LEFT)
    pdf.multi_cell(
        BODY_W, LINE, block.parts[0], align=Align.J, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.lines.append(plain(block.parts[0]))
