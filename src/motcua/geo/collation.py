"""Vietnamese alphabetical order for names shown in lists (communes, wards, special zones).

Python's ``sorted`` compares code points, which puts "Xã Đan Điền" after every "Xã Z…" (Đ is U+0110) and
PyICU is not installed; ``locale.strxfrm`` needs a vi_VN locale that a fresh machine does not have. This key
follows the Vietnamese alphabet (TCVN 5712:1993 and the order of Vietnamese dictionaries):

    a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y

with f, j, w, z (foreign names) at their Latin places. Letters are the primary weight, the tone the secondary
one in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng: "Hoa" < "Hòa" < "Hỏa" < "Hóa" < "Họa"), case the
tertiary one. A space weighs less than any letter, so that "Xã Đa Lộc" comes before "Xã Đan Điền".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Vowel marks (breve, circumflex, horn) make another letter; tone marks weigh second.
_LETTER_WITH_MARK = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# No tone, huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_SPACE, _DIGIT, _LETTER, _OTHER = 0, 1, 100, 200


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The sort key of ``text`` in Vietnamese order: (letters, tones, case), each a tuple of weights."""
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for char in unicodedata.normalize("NFC", " ".join(text.split())):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        lower = base.lower()
        tone = 0
        for mark in marks:
            if (lower, mark) in _LETTER_WITH_MARK:
                lower = _LETTER_WITH_MARK[(lower, mark)]
            elif mark in _TONES:
                tone = _TONES[mark]
        if lower in _RANK:
            primary.append(_LETTER + _RANK[lower])
        elif base.isspace():
            primary.append(_SPACE)
        elif base.isdigit():
            primary.append(_DIGIT + int(unicodedata.digit(base, 0)))
        else:
            primary.append(_OTHER + ord(lower))
        tones.append(tone)
        cases.append(0 if base == lower or not base.isalpha() else 1)
    return tuple(primary), tuple(tones), tuple(cases)


def sorted_by_name[T](items: Iterable[T], *, name: str = "name") -> list[T]:
    """``items`` (administrative units, or any object with a ``name`` attribute) in Vietnamese alphabetical
    order of that attribute: the one order of every list of communes (counter, portal, e-form selects)."""
    return sorted(items, key=lambda item: collation_key(str(getattr(item, name))))
