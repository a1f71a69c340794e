"""How a document's faces go into its PDF: fpdf2's Type0/CIDFontType2 embedding, with the font program cut by
:mod:`.fontsubset` (bytes copied, glyph numbers kept) instead of fontTools' subsetter.

The PDF objects are the ones fpdf2 (2.8) writes for a TrueType face: the Type0 font with Identity-H, the
CIDFontType2 with its widths, the ToUnicode map (what makes the Vietnamese text extractable), the font
descriptor and a CIDToGIDMap from fpdf2's character codes to the face's own glyph numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fpdf.fonts import TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFContentStream,
    PDFFont,
    PDFFontStream,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray

from .fontsubset import Face

if TYPE_CHECKING:
    from fpdf.output import PDFExtGState, PDFType3Font, PDFXObject
    from fpdf.pattern import Pattern

_TO_UNICODE_HEAD = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
)
_TO_UNICODE_TAIL = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"


def _utf16(code: int) -> str:
    if code > 0xFFFF:  # a surrogate pair
        return f"{0xD800 | (code - 0x10000) >> 10:04X}{0xDC00 | (code & 0x3FF):04X}"
    return f"{code:04X}"


class FaceProducer(OutputProducer):
    """fpdf2's output with the document's faces (``fpdf.faces``, keyed like ``fpdf.fonts``) embedded by
    :mod:`.fontsubset`; any other font goes fpdf2's own way."""

    def _add_fonts(
        self,
        image_objects_per_index: dict[int, PDFXObject],
        gfxstate_objs_per_name: dict[str, PDFExtGState],
        pattern_objs_per_name: dict[str, Pattern],
    ) -> dict[int, PDFFont | PDFType3Font]:
        fonts = self.fpdf.fonts
        faces: Mapping[str, Face] = getattr(self.fpdf, "faces", {})
        if any(not isinstance(font, TTFFont) or key not in faces for key, font in fonts.items()):
            # Not one of the document's own faces: fpdf2's general path.
            return super()._add_fonts(image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name)
        objects: dict[int, PDFFont | PDFType3Font] = {}
        for key, font in sorted(fonts.items(), key=lambda item: item[1].i):
            assert isinstance(font, TTFFont)
            objects[font.i] = self._add_face(font, faces[key])
        return objects

    def _add_face(self, font: TTFFont, face: Face) -> PDFFont:
        fontname = f"MPDFAA+{font.name}"
        glyphs = [(glyph, code) for glyph, code in font.subset.items() if glyph is not None]
        # fpdf2's .notdef entry (code 0) carries a character, not a glyph number, in glyph_id.
        numbers = {code: 0 if glyph.glyph_name == ".notdef" else glyph.glyph_id for glyph, code in glyphs}
        program = face.subset(numbers.values())

        type0 = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(type0, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2", base_font=fontname, d_w=font.desc.missing_width, w=_tt_font_widths(font)
        )
        self._add_pdf_obj(cid_font, "fonts")
        type0.descendant_fonts = PDFArray([cid_font])

        # ToUnicode: each code's characters (searching and copying the text).
        pairs = [
            f"<{code:04X}> <{''.join(_utf16(c) for c in glyph.unicode)}>\n"
            for glyph, code in glyphs
            if isinstance(glyph.unicode, tuple) and glyph.unicode
        ]
        to_unicode = PDFContentStream(
            (_TO_UNICODE_HEAD + _build_cmap_blocks(pairs, "bfchar") + _TO_UNICODE_TAIL).encode("latin-1")
        )
        self._add_pdf_obj(to_unicode, "fonts")
        type0.to_unicode = to_unicode

        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info

        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor

        # CIDToGIDMap: fpdf2's codes to the face's glyph numbers, as long as the highest code needs.
        mapping = bytearray(2 * (max(numbers, default=0) + 1))
        for code, number in numbers.items():
            mapping[2 * code : 2 * code + 2] = number.to_bytes(2, "big")
        cid_to_gid = PDFContentStream(contents=bytes(mapping), compress=True)
        self._add_pdf_obj(cid_to_gid, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid

        stream = PDFFontStream(contents=program)
        self._add_pdf_obj(stream, "fonts")
        descriptor.font_file2 = stream  # type: ignore[attr-defined]

        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        font.close()
        return type0
