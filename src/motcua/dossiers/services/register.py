"""The dossier register (sổ theo dõi hồ sơ, Circular 03/2025/TT-VPCP Annex I form 07): each dossier received
at a reception point gets the next số thứ tự in that point's book for the year.

Numbered like the dossier code (``submission.next_dossier_code``): the book row is drawn in place inside the
reception transaction (``dossiers.counters``), so concurrent receptions at one point queue on it, a reception
that rolls back gives its number back, and a number is never given twice."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from motcua.dossiers import counters
from motcua.dossiers.models import Dossier, DossierRegister, DossierRegisterEntry


def enter_in_register(*, dossier: Dossier, now: dt.datetime) -> DossierRegisterEntry:
    """Write the dossier into the book of its reception point for the local year of ``now``; must run inside
    the reception transaction. A dossier is entered once (the entry is one-to-one with it)."""
    year = timezone.localdate(now).year
    # The book's next number and the line that carries it: one statement on PostgreSQL (counters.draw_into).
    (book_id, book, number), entry_id = counters.draw_into(
        DossierRegister,
        key={"reception_point": dossier.reception_point_id, "year": year},
        fill={"book": 1},
        returning=("id", "book", "last"),
        row=DossierRegisterEntry,
        values={"dossier": dossier.pk, "entered_at": now},
        drawn={"register": "id", "number": "last"},
    )
    register = DossierRegister(
        id=book_id, reception_point_id=dossier.reception_point_id, year=year, book=book, last=number
    )
    entry = DossierRegisterEntry(
        id=entry_id, register=register, number=number, dossier=dossier, entered_at=now
    )
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry
