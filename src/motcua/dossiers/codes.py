"""Dossier codes as people type them: without the dots, in lower case, with spaces.

A dossier code is ``{receiving unit's code}-{yymmdd}-{NNNN}`` (``services.submission.next_dossier_code``;
Circular 01/2018/TT-VPCP Art. 19, unit codes per Circular 10/2016/TT-BTTTT, docs/legal-basis.md section 12).
A code read from paper or a phone is often typed ``000006h57 2603090001``: ``normalize`` strips spaces and
separators, upper-cases, finds the unit whose code without its dots starts the text, and puts the dots and
dashes back. What matches no unit is returned upper-cased, unchanged otherwise, and then finds nothing.
"""

from __future__ import annotations

import re

from motcua.core import snapshots
from motcua.core.text import printable
from motcua.org.models import Agency

# What people put between the parts of a code (or by mistake): whitespace, dots, dashes, underscores, slashes.
_SEPARATORS = re.compile(r"[\s.\-_/]+")
_WHITESPACE = re.compile(r"\s+")
# yymmdd and a sequence of the day of at least 4 digits (it grows past 9999 on a very busy day).
_DAY_AND_SEQUENCE = re.compile(r"\d{10,}")
MAX_LENGTH = 80


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text).upper()


def _unit_codes() -> dict[str, str]:
    """Every unit code ever used (past units' too: their dossiers keep them), keyed without separators."""
    return snapshots.remember(
        "org",
        ("dossiers.unit_codes",),
        lambda: {_compact(code): code for code in Agency.objects.values_list("code", flat=True) if code},
    )


def normalize(typed: str) -> str:
    """The dossier code ``typed`` stands for: ``000.00.06.h57-260309-0001``, ``00000 6H57 260309 0001`` and
    ``000000 6h572603090001`` all give ``000.00.06.H57-260309-0001`` when a unit is coded ``000.00.06.H57``.

    Control characters become U+FFFD (a code never holds one: it then finds nothing)."""
    text = printable(typed or "")[:MAX_LENGTH]
    compact = _compact(text)
    units = _unit_codes() if compact else {}
    # The day and sequence take at least 10 digits at the end; the unit's code is what comes before.
    for cut in range(len(compact) - 10, 0, -1):
        unit, rest = compact[:cut], compact[cut:]
        if not _DAY_AND_SEQUENCE.fullmatch(rest):
            break
        code = units.get(unit)
        if code is not None:
            return f"{code}-{rest[:6]}-{rest[6:]}"
    return _WHITESPACE.sub("", text).upper()
