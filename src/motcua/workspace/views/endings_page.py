"""What a dossier's page shows of its endings without a result: the stop notice (form 05) and the withdrawal
request, with the forms the user may fill now (the answers of the one access policy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier
from motcua.workspace.access import request_actor


def endings_context(
    request: HttpRequest, dossier: Dossier, now: dt.datetime, forms: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """What the dossier page shows of the stop notice and the withdrawal request, and the forms it offers."""
    user = request_actor(request, timezone.localdate(now))  # the policy's questions: positions read once
    pending_stop = selectors.pending_stop_notice(dossier=dossier)
    withdrawal = selectors.pending_withdrawal(dossier=dossier)
    decide_withdrawal = withdrawal is not None and selectors.can_decide_withdrawal(
        request=withdrawal, user=user, now=now
    )
    withdrawal_form = forms.get("withdrawal_decision")
    if withdrawal_form is None and decide_withdrawal:
        withdrawal_form = {"originals_returned": "\n".join(services.originals_on_file(dossier))}
    return {
        "stop_pending": pending_stop,
        "stop_signed": selectors.signed_stop_notice(dossier=dossier),
        "can_propose_stop": selectors.can_propose_stop(dossier=dossier, user=user, now=now),
        "can_decide_stop": pending_stop is not None
        and selectors.can_decide_stop(notice=pending_stop, user=user, now=now),
        "can_sign_stop": pending_stop is not None
        and selectors.can_sign_stop(notice=pending_stop, user=user, now=now),
        "stop_form": forms.get("stop", {}),
        "stop_decision_form": forms.get("stop_decision", {}),
        "withdrawal": withdrawal,
        "can_record_withdrawal": dossier.applicant_id != user.user_id
        and selectors.can_request_withdrawal(dossier=dossier, user=user, now=now),
        "can_decide_withdrawal": decide_withdrawal,
        "withdrawal_form": forms.get("withdrawal", {}),
        "withdrawal_decision_form": withdrawal_form or {},
    }
