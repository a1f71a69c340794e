"""The workflow's ``sign`` step, moved only by the signing service (``motcua.signing.services.sign``) once it
has asked the signer's second factor and recorded the signature job of the result document, in its
transaction. The generic ``perform`` refuses ``sign``; this module is not re-exported from
``dossiers.services``, and pyproject's import-linter contract ``sign-step`` lets no page, API or adapter
import it (tests of the engine itself may walk a dossier through the step with it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.catalog.models import Action
from motcua.core import request_cache
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.unit import service
from motcua.dossiers.services.workflow import move


@request_cache.scope()
@service
def pass_sign_step(
    *,
    dossier: Dossier,
    by: Any,
    reason: str = "",
    target_step: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """Move the dossier past its ``sign`` step (the access policy decides who may: the step's holder)."""
    return move(
        dossier=dossier,
        by=by,
        action=Action.SIGN,
        reason=reason,
        target_step=target_step,
        now=now,
        origin=origin,
    )
