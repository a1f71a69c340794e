"""Folding Vietnamese names and addresses into comparable keys.

``search_key("Phường Thuận Hóa") == "phuong thuan hoa"``; ``compact_key`` drops the spaces too
(``"phuongthuanhoa"``), the form vietnamadminunits uses for its keywords. Address words are
expanded from the usual abbreviations ("TP", "P.", "Q.", "TT", "Tx") on the way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Type words a unit name may start with, longest first so that "Thành phố" wins over "Thành".
TYPE_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)

# One address word (already folded, dots kept) -> the words it stands for.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "tp": ("thanh", "pho"),
    "tp.": ("thanh", "pho"),
    "t.p": ("thanh", "pho"),
    "t.p.": ("thanh", "pho"),
    "thanhpho": ("thanh", "pho"),
    "tphcm": ("thanh", "pho", "ho", "chi", "minh"),
    "tp.hcm": ("thanh", "pho", "ho", "chi", "minh"),
    "p": ("phuong",),
    "p.": ("phuong",),
    "ph.": ("phuong",),
    "q": ("quan",),
    "q.": ("quan",),
    "h.": ("huyen",),
    "x.": ("xa",),
    "tt": ("thi", "tran"),
    "tt.": ("thi", "tran"),
    "tx": ("thi", "xa"),
    "tx.": ("thi", "xa"),
    "t.x": ("thi", "xa"),
    "t.x.": ("thi", "xa"),
    "dk": ("dac", "khu"),
    "dk.": ("dac", "khu"),
    "t.": ("tinh",),
}

# "P.1", "P1", "Q.10", "F7" (Saigon usage) -> type word + number.
_NUMBERED = re.compile(r"^(p|ph|f|q|phuong|quan)\.?(\d{1,2})$")
_NUMBERED_TYPES = {
    "p": "phuong",
    "ph": "phuong",
    "f": "phuong",
    "phuong": "phuong",
    "q": "quan",
    "quan": "quan",
}
_WORD_CHARS = re.compile(r"[^a-z0-9.]+")


def strip_diacritics(text: str) -> str:
    """Lowercase ASCII letters without Vietnamese tone and vowel marks; đ becomes d."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def accent_key(text: str) -> str:
    """Lowercase words with their marks kept but put in one order, so that the two tone placements
    ("Hoà" / "Hòa", "Thuỷ" / "Thủy") compare equal while different tones ("Hòa" / "Hóa") do not."""
    words = []
    for word in re.sub(r"[^\w\s]+", " ", text.lower()).split():
        decomposed = unicodedata.normalize("NFD", word)
        base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
        marks = "".join(sorted(ch for ch in decomposed if unicodedata.category(ch) == "Mn"))
        words.append(base + marks)
    return " ".join(words)


def search_key(text: str) -> str:
    """The comparable form of a name: lowercase, no diacritics, đ→d, single spaces, no punctuation."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", strip_diacritics(text)).split())


def compact_key(text: str) -> str:
    """``search_key`` without spaces: the keyword form of vietnamadminunits."""
    return search_key(text).replace(" ", "")


def split_type(name: str) -> tuple[str, str]:
    """Split "Phường Phú Hội" into ("phường", "Phú Hội"); a name without a type word gives ("", name)."""
    lowered = name.strip().lower()
    for prefix in TYPE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return prefix, name.strip()[len(prefix) + 1 :].strip()
    return "", name.strip()


def tidy_name(name: str) -> str:
    """Normalize to NFC, collapse spaces and capitalize the type word ("xã Bắc Sơn" -> "Xã Bắc Sơn")."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    kind, rest = split_type(name)
    if not kind:
        return name
    return f"{kind[0].upper()}{kind[1:]} {rest}"


@dataclass(frozen=True)
class Token:
    """A folded address word, with the index of the original word it came from."""

    text: str
    word: int


def address_tokens(segment: str) -> list[Token]:
    """Fold one comma-separated address segment into tokens, expanding abbreviations."""
    tokens: list[Token] = []
    for index, raw in enumerate(segment.split()):
        word = strip_diacritics(raw)
        word = _WORD_CHARS.sub("", word).strip()
        if not word:
            continue
        if word in ABBREVIATIONS:
            tokens.extend(Token(part, index) for part in ABBREVIATIONS[word])
            continue
        numbered = _NUMBERED.match(word)
        if numbered:
            tokens.append(Token(_NUMBERED_TYPES[numbered.group(1)], index))
            tokens.append(Token(str(int(numbered.group(2))), index))
            continue
        # "TP.Huế" or "P.Phú Hội" written without a space after the dot.
        head, dot, tail = word.partition(".")
        if dot and head + "." in ABBREVIATIONS and tail:
            tokens.extend(Token(part, index) for part in ABBREVIATIONS[head + "."])
            word = tail
        for part in word.split("."):
            if part:
                tokens.append(Token(part, index))
    return tokens


def split_parts(text: str) -> list[str]:
    """Split an address on commas, semicolons and line breaks only (dashes kept)."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def split_segments(text: str) -> list[str]:
    """Split an address on commas, semicolons, dashes between words and line breaks."""
    return [part.strip() for part in re.split(r"[,;\n]|\s[-–]\s", text) if part.strip()]
