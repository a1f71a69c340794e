"""Mã thanh toán: the short code the citizen writes in the transfer's content, found again in what the bank
reports. Prefix, 7 random Crockford base-32 characters and a check character: banks upper-case the content,
drop accents and punctuation, and people type it by hand, so a typo is caught rather than matched to
someone else's payment."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
BODY = 7


def _check(body: str) -> str:
    total = sum((position + 1) * ALPHABET.index(char) for position, char in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return f"{prefix}{body}{_check(body)}"


def is_valid(reference: str, prefix: str) -> bool:
    if not reference.startswith(prefix) or len(reference) != len(prefix) + BODY + 1:
        return False
    body, check = reference[len(prefix) : -1], reference[-1]
    return all(char in ALPHABET for char in body) and _check(body) == check


def find_references(content: str, prefix: str) -> list[str]:
    """The valid references in a transfer's content, in order (the content normalised as banks do)."""
    text = re.sub(r"[^0-9A-Z]", "", content.upper())
    found: list[str] = []
    size = len(prefix) + BODY + 1
    start = text.find(prefix)
    while start != -1:
        candidate = text[start : start + size]
        if is_valid(candidate, prefix) and candidate not in found:
            found.append(candidate)
        start = text.find(prefix, start + 1)
    return found
