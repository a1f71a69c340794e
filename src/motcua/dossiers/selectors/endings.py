"""Endings without a result: the stop notice (form 05) and the withdrawal request, what is pending, what is
signed, and who may propose or decide now (the answers of ``dossiers.access``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.dossiers import access
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, StopNotice, WithdrawalRequest


def pending_stop_notice(*, dossier: Dossier) -> StopNotice | None:
    """The stop proposal waiting for the leader of the competent agency, if any."""
    pending = (n for n in dossier.stop_notices.all() if n.outcome == StopNotice.Outcome.PENDING)
    return min(pending, key=lambda n: n.pk, default=None)


def signed_stop_notice(*, dossier: Dossier) -> StopNotice | None:
    """The signed stop notice (form 05) that ended the dossier, if any."""
    signed = [n for n in dossier.stop_notices.all() if n.outcome == StopNotice.Outcome.SIGNED]
    return max(signed, key=lambda n: (n.decided_at is not None, n.decided_at, n.pk), default=None)


def pending_withdrawal(*, dossier: Dossier) -> WithdrawalRequest | None:
    """The withdrawal request waiting for the competent agency's decision, if any."""
    if not dossier.withdrawal_pending:
        return None
    pending = (r for r in dossier.withdrawal_requests.all() if r.outcome == WithdrawalRequest.Outcome.PENDING)
    return min(pending, key=lambda r: r.pk, default=None)


def can_propose_stop(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.PROPOSE_STOP, dossier, on=timezone.localdate(now))


def can_decide_stop(*, notice: StopNotice, user: Any, now: dt.datetime) -> bool:
    """Whether the user may sign the proposal (the decline needs the same leader)."""
    return access.may(user, Act.DECLINE_STOP, notice.dossier, on=timezone.localdate(now), subject=notice)


def can_sign_stop(*, notice: StopNotice, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.SIGN_STOP, notice.dossier, on=timezone.localdate(now), subject=notice)


def can_request_withdrawal(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.WITHDRAW, dossier, on=timezone.localdate(now))


def can_decide_withdrawal(*, request: WithdrawalRequest, user: Any, now: dt.datetime) -> bool:
    return access.may(
        user, Act.DECIDE_WITHDRAWAL, request.dossier, on=timezone.localdate(now), subject=request
    )
