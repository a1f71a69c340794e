"""The markup a document template produces (after Jinja2), line by line:

- ``= Text``            a heading: bold, centred;
- ``Label:: value``     a "label: value" line, the value in bold (e.g. ``Họ, chữ đệm, tên:: NGUYỄN VĂN A``);
- ``| a | b | c |``     a table row; consecutive rows form one table, the first row is its header;
- an empty line         vertical space;
- any other line        a justified paragraph.
Inside text: ``**bold**`` and ``__italic__``. Values filled from data are escaped (``escape_value``), so a
citizen's name can never turn into markup or split a table cell."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PIPE = "\ue000"  # a "|" inside a value
_PAIR = "\ue001"  # a "::" inside a value
_MARKER = re.compile(r"(?<!\\)(\*\*|__)")
_UNDERLINE = re.compile(r"(?<!\\)--")
_ESCAPED = re.compile(r"\\(.)")


def escape_value(text: str) -> str:
    """A value as literal text in the markup (fpdf2's markdown escapes with a backslash)."""
    text = text.replace("\\", "\\\\")
    for marker in ("**", "__", "--"):
        text = text.replace(marker, "\\" + marker)
    return " ".join(text.replace("|", _PIPE).replace("::", _PAIR).splitlines())


def restore(text: str) -> str:
    """Text for fpdf2's markdown: values' placeholders back, "--" never an underline."""
    return _UNDERLINE.sub(r"\\--", text.replace(_PIPE, "|").replace(_PAIR, "::"))


def plain(text: str) -> str:
    """The text a reader sees: markers dropped, escapes resolved."""
    return _ESCAPED.sub(r"\1", _MARKER.sub("", restore(text)))


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "pair" | "table" | "paragraph" | "space"
    parts: tuple[str, ...] = ()  # fpdf2-markdown text: heading/paragraph (1), pair (2)
    rows: tuple[tuple[str, ...], ...] = ()  # table


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    table: list[tuple[str, ...]] = []

    def close_table() -> None:
        if table:
            width = max(len(r) for r in table)
            blocks.append(Block("table", rows=tuple(r + ("",) * (width - len(r)) for r in table)))
            table.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            cells = line.strip("|").split("|")
            table.append(tuple(restore(c.strip()) for c in cells))
            continue
        close_table()
        if not line:
            if blocks and blocks[-1].kind != "space":
                blocks.append(Block("space"))
        elif line.startswith("="):
            blocks.append(Block("heading", (restore(line.lstrip("=").strip()),)))
        elif "::" in line:
            label, value = line.split("::", 1)
            blocks.append(Block("pair", (restore(label.strip()), restore(value.strip()))))
        else:
            blocks.append(Block("paragraph", (restore(line),)))
    close_table()
    while blocks and blocks[-1].kind == "space":
        blocks.pop()
    return blocks
