"""The dossier register (sổ theo dõi hồ sơ, Circular 03/2025/TT-VPCP Annex I form 07): each dossier received
at a reception point gets the next số thứ tự in that point's book for the year.

Numbered like the dossier code (``submission.next_dossier_code``): the book row is incremented in place inside
the reception transaction (a row lock until commit), so concurrent receptions at one point queue on it, a
reception that rolls back gives its number back, and a number is never given twice."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierRegister, DossierRegisterEntry


def enter_in_register(*, dossier: Dossier, now: dt.datetime) -> DossierRegisterEntry:
    """Write the dossier into the book of its reception point for the local year of ``now``; must run inside
    the reception transaction. A dossier already entered keeps its line."""
    existing = DossierRegisterEntry.objects.filter(dossier=dossier).select_related("register").first()
    if existing is not None:
        return existing
    year = timezone.localdate(now).year
    books = DossierRegister.objects.filter(reception_point_id=dossier.reception_point_id, year=year)
    if not books.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DossierRegister.objects.create(
                    reception_point_id=dossier.reception_point_id, year=year, last=1
                )
        except IntegrityError:
            books.update(last=F("last") + 1)
    book = books.get()
    return DossierRegisterEntry.objects.create(
        register=book, number=book.last, dossier=dossier, entered_at=now
    )
