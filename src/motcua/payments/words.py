"""Số tiền bằng chữ: an amount of đồng in Vietnamese words, as receipts and payment notices write it
("Tám nghìn đồng")."""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _triple(n: int, full: bool) -> list[str]:
    """Words of 0..999; ``full``: a group after a higher one, so "không trăm" and "linh" are written."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out: list[str] = []
    if hundreds or full:
        out += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (hundreds or full):
            out.append("linh")
    elif tens == 1:
        out.append("mười")
    else:
        out += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            out.append("mốt")
        elif units == 5 and tens >= 1:
            out.append("lăm")
        elif units == 4 and tens > 1:
            out.append("tư")
        else:
            out.append(DIGITS[units])
    return out


def amount_in_words(amount: int) -> str:
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        higher = index < len(groups) - 1
        words += _triple(value, full=higher)
        if GROUPS[index]:
            words.append(GROUPS[index])
    text = " ".join(words) + " đồng"
    return text[:1].upper() + text[1:]
