"""Signing keys of the demo world: a personal key for every demo leader and an organization key (the seal)
for every agency with a clerk, issued by the test PKI (refservices/pki, set up under ``MOTCUA_SIGNING
["pki_dir"]`` by ``make demo``; new keys, never committed). The PKCS#12 files share the PKI's passphrase,
which only the worker receives (``MOTCUA_SIGNING_DEMO_PASSPHRASE``, set by ``make demo``). Without the PKI no
key is recorded, and a signature job fails with a message that says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from motcua.org.models import Agency, Position, Role, Staff
from motcua.signing.models import SigningKey

DEMO_SECRET_ENV = "MOTCUA_SIGNING_DEMO_PASSPHRASE"

# issue(kind, name, organization) -> an issued certificate with ``pkcs12_path`` (refservices.pki.Pki.issue)
Issue = Callable[..., Any]


def record_demo_keys(
    *,
    issue: Issue,
    prefixes: Sequence[str] = (),
    on: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Issue and record the keys that are missing; returns how many were made (a second run makes none).
    ``prefixes``: only the staff whose user names start with one of them ("phuvang." …) and their agencies
    (each key takes the PKI about a second to make)."""
    on = on or timezone.localdate()
    say = progress or (lambda _message: None)
    made = 0
    held = Position.objects.valid_on(on).select_related("staff", "agency")
    if prefixes:
        chosen = Q()
        for prefix in prefixes:
            chosen |= Q(staff__user__username__startswith=prefix)
        held = held.filter(chosen)
    leaders = {p.staff_id: p for p in held.filter(role=Role.LEADER)}
    with_keys = set(SigningKey.objects.filter(staff_id__in=leaders).values_list("staff_id", flat=True))
    for staff_id, position in sorted(leaders.items()):
        if staff_id in with_keys:
            continue
        staff: Staff = position.staff
        cert = issue("signer", staff.full_name, organization=position.agency.name)
        SigningKey.objects.create(staff=staff, ref=str(cert.pkcs12_path), secret_env=DEMO_SECRET_ENV)
        made += 1
    agency_ids = set(held.filter(role=Role.CLERK).values_list("agency_id", flat=True))
    sealed = set(SigningKey.objects.filter(agency_id__in=agency_ids).values_list("agency_id", flat=True))
    for agency in Agency.objects.filter(pk__in=agency_ids - sealed).order_by("pk"):
        cert = issue("seal", agency.name)
        SigningKey.objects.create(agency=agency, ref=str(cert.pkcs12_path), secret_env=DEMO_SECRET_ENV)
        made += 1
    say(f"signing keys: {made} issued by the test PKI")
    return made
