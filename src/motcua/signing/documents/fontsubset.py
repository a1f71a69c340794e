"""TrueType faces cut to the glyphs one PDF uses, every glyph keeping its number.

fontTools' subsetter decompiles and recompiles every kept glyph, and fpdf2 and pyHanko run it for each
document and each signature appearance: it was most of a document's rendering time. Here a face is read once
per process (its tables, where each glyph's outline lies, the glyphs a composite glyph is made of) and a
subset is the same font with the outlines of the other glyphs left empty: the glyph numbers do not change
(PDF's CIDToGIDMap and pyHanko's /Identity map keep working), the bytes are copied, not recompiled. The
embedded font program carries only the outlines the document draws; hinting tables, when the face has them,
are kept as they are (the interpreter never sees the empty glyphs)."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

# What a PDF viewer reads from an embedded TrueType program (ISO 32000-1, 9.9); the rest is dropped.
KEPT_TABLES = frozenset({b"OS/2", b"cmap", b"cvt ", b"fpgm", b"gasp", b"glyf", b"head", b"hhea", b"hmtx"})
KEPT_TABLES |= {b"loca", b"maxp", b"name", b"post", b"prep"}

# Composite glyph flags (OpenType 'glyf' table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080


class FontFormatError(ValueError):
    """The file is not a TrueType (glyf-outline) font this module can cut."""


@dataclass(frozen=True)
class Face:
    """A TrueType face, read: its tables (by tag) and each glyph's outline bytes."""

    tables: dict[bytes, bytes]
    outlines: tuple[bytes, ...]  # each padded to 4 bytes (empty for a glyph without outline)
    components: dict[int, tuple[int, ...]]  # composite glyph -> the glyphs it is drawn from

    @property
    def glyph_count(self) -> int:
        return len(self.outlines)

    def closure(self, glyphs: Iterable[int]) -> set[int]:
        """``glyphs`` with .notdef and every component of a composite glyph among them."""
        wanted: set[int] = set()
        pending = [0, *glyphs]
        while pending:
            glyph = pending.pop()
            if glyph in wanted or not 0 <= glyph < len(self.outlines):
                continue
            wanted.add(glyph)
            pending.extend(self.components.get(glyph, ()))
        return wanted

    def subset(self, glyphs: Iterable[int]) -> bytes:
        """The font program with only the outlines of ``glyphs`` (and their components), numbers unchanged."""
        kept = sorted(self.closure(glyphs))
        outlines = self.outlines
        lengths = [0] * len(outlines)
        for glyph in kept:
            lengths[glyph] = len(outlines[glyph])
        offsets = [0, *accumulate(lengths)]
        glyf = b"".join(outlines[glyph] for glyph in kept)
        if len(glyf) < 0x20000:  # short offsets (halved) fit
            loca = struct.pack(f">{len(offsets)}H", *(o // 2 for o in offsets))
            loca_format = 0
        else:
            loca = struct.pack(f">{len(offsets)}I", *offsets)
            loca_format = 1
        tables = dict(self.tables)
        head = bytearray(tables[b"head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", loca_format)
        tables[b"head"] = bytes(head)
        tables[b"glyf"] = glyf
        tables[b"loca"] = loca
        if b"post" in tables:  # format 3: no glyph names (a CID-keyed font does not use them)
            tables[b"post"] = struct.pack(">I", 0x00030000) + tables[b"post"][4:32]
        return _sfnt(tables)


def read(data: bytes) -> Face:
    """Read a TrueType face (FontFormatError when it has no glyf outlines)."""
    try:
        version, count = struct.unpack_from(">IH", data, 0)
        if version not in (0x00010000, 0x74727565):  # b"true"
            raise FontFormatError(f"not a TrueType font (sfnt version {version:#x})")
        tables: dict[bytes, bytes] = {}
        for n in range(count):
            tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * n)
            tables[tag] = data[offset : offset + length]
        if b"glyf" not in tables or b"loca" not in tables:
            raise FontFormatError("no glyf/loca tables (a CFF font?)")
        glyph_count = struct.unpack_from(">H", tables[b"maxp"], 4)[0]
        long_offsets = struct.unpack_from(">h", tables[b"head"], 50)[0] == 1
        loca = tables[b"loca"]
        if long_offsets:
            offsets = struct.unpack_from(f">{glyph_count + 1}I", loca, 0)
        else:
            offsets = tuple(o * 2 for o in struct.unpack_from(f">{glyph_count + 1}H", loca, 0))
        glyf = tables[b"glyf"]
        outlines = tuple(_padded(glyf[offsets[g] : offsets[g + 1]]) for g in range(glyph_count))
        components = {
            glyph: _components(outline)
            for glyph, outline in enumerate(outlines)
            if len(outline) >= 10 and struct.unpack_from(">h", outline, 0)[0] < 0
        }
    except (struct.error, KeyError) as error:
        raise FontFormatError(f"damaged font: {error}") from error
    kept = {tag: table for tag, table in tables.items() if tag in KEPT_TABLES}
    return Face(tables=kept, outlines=outlines, components=components)


@lru_cache(maxsize=16)
def _read_file(path: str, size: int, mtime_ns: int) -> Face:
    return read(Path(path).read_bytes())


def read_file(path: str | Path) -> Face:
    """:func:`read` for a file, once per process while the file stays the same."""
    stat = Path(path).stat()
    return _read_file(str(path), stat.st_size, stat.st_mtime_ns)


def _padded(outline: bytes) -> bytes:
    return outline + b"\0" * (-len(outline) % 4)


def _components(outline: bytes) -> tuple[int, ...]:
    found = []
    offset = 10
    while True:
        flags, glyph = struct.unpack_from(">HH", outline, offset)
        found.append(glyph)
        offset += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
        if flags & _WE_HAVE_A_SCALE:
            offset += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            offset += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            offset += 8
        if not flags & _MORE_COMPONENTS:
            return tuple(found)


def _checksum(table: bytes) -> int:
    padded = table + b"\0" * (-len(table) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _sfnt(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file from its tables (sorted directory, 4-byte aligned, checksums and head's adjustment)."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(
        ">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16
    )
    offset = 12 + 16 * count
    directory = []
    body = []
    head_at = 0
    for tag in tags:
        table = tables[tag]
        if tag == b"head":
            head_at = offset
        directory.append(struct.pack(">4sIII", tag, _checksum(table), offset, len(table)))
        padded = table + b"\0" * (-len(table) % 4)
        body.append(padded)
        offset += len(padded)
    data = bytearray(header + b"".join(directory) + b"".join(body))
    adjustment = (0xB1B0AFBA - _checksum(bytes(data))) & 0xFFFFFFFF
    data[head_at + 8 : head_at + 12] = struct.pack(">I", adjustment)
    return bytes(data)
