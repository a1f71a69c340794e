"""Sổ đăng ký văn bản đi: the next number of an agency's outgoing documents of one symbol in one year.

Decree 30/2020/NĐ-CP Art. 15(1) and Annex I, II.3: documents are numbered from 01 on 1 January to 31 December,
a number under 10 written with a leading zero; Art. 16: every outgoing document is registered. One statement
(INSERT … ON CONFLICT … DO UPDATE … RETURNING, SQLite >= 3.35 and PostgreSQL) creates the year's row or
increments it and holds the row until the caller's transaction ends: a concurrent issuer waits, and a
rolled-back issue gives its number back, so the register has no gap."""

from __future__ import annotations

from django.db import connection, transaction

from motcua.org.models import Agency
from motcua.signing.models import OutgoingDocumentRegister


def format_number(number: int, symbol: str) -> str:
    """ "05/GKS-UBND" (Decree 30/2020 Annex I, II.3: a zero before numbers under 10)."""
    return f"{number:02d}/{symbol}"


def take_number(*, agency: Agency | int, year: int, symbol: str) -> tuple[int, str]:
    """The next number for ``symbol`` documents of ``agency`` in ``year``, and its "number/SYMBOL" text.

    Must run inside the issuing transaction (transaction.atomic): the number is final only if it commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number runs inside the transaction that issues the document")
    agency_id = agency if isinstance(agency, int) else agency.pk
    table = connection.ops.quote_name(OutgoingDocumentRegister._meta.db_table)
    sql = (
        f"INSERT INTO {table} (agency_id, year, symbol, last_number) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT (agency_id, year, symbol) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, year, symbol])
        (number,) = cursor.fetchone()
    return number, format_number(number, symbol)
