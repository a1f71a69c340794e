"""Every change of a dossier, one module per life-cycle phase.

Each public function is one transaction (``unit``: a service called by another joins its transaction) that
(1) asks the access policy and takes the dossier's row (``access.check``, then ``locking``: a caller holding
a stale copy gets ``dossier.conflict`` and nothing changes; accept and the workflow's movements check the
version in the dossier's final UPDATE, their first write), (2) changes its state, (3) records one
immutable event with the outbox messages that later workers deliver (``dossiers.events``: one function per
event kind).

| phase | module |
| --- | --- |
| registration (online, counter, post), dossier code, fee | ``submission`` |
| assisted online submission at the counter, e-ID confirmation, the offline path | ``assisted`` |
| completeness check, counter "receive and decide", competence override | ``reception`` |
| workflow actions, assignment | ``workflow`` (current step: ``steps``) |
| the ``sign`` step, moved only by the signing service (not re-exported) | ``signature_step`` |
| supplements during processing, supplying documents | ``supplements`` |
| consultations | ``consultations`` |
| withdrawal request and its decision | ``withdrawal`` |
| stop notice (form 05): proposal, leader's signature or refusal | ``stops`` |
| apology and new appointment | ``apologies`` |
| extension of a same-day limit (gia hạn), the first appointment | ``extensions`` |
| result files | ``results`` |
| satisfaction rating | ``ratings`` |
| the fee asked during processing (status 6) and received | ``financial`` |
| intake of submissions from the national public service portal | ``intake`` |
| the post: shipments recorded, a result delivered by post | ``post`` |
| historical dossiers imported from an old system (not re-exported) | ``legacy`` |
"""

from __future__ import annotations

from motcua.dossiers.services.apologies import draft_apology, sign_apology
from motcua.dossiers.services.assisted import (
    confirm_submission,
    submit_assisted,
    submit_pending_offline,
    submit_recorded_offline,
)
from motcua.dossiers.services.consultations import answer_consultation, consult
from motcua.dossiers.services.extensions import extend
from motcua.dossiers.services.financial import await_payment, payment_received
from motcua.dossiers.services.inputs import ApplicantInfo, DocumentInput, reused_document
from motcua.dossiers.services.intake import (
    IntakeOutcome,
    NationalFile,
    NationalSubmission,
    receive_from_national_portal,
)
from motcua.dossiers.services.post import (
    record_shipment_created,
    record_shipment_update,
    return_result_by_post,
)
from motcua.dossiers.services.ratings import rate
from motcua.dossiers.services.reception import (
    CounterDecision,
    accept,
    declaration_problems,
    override_competence,
    receive_and_decide,
    refuse_reception,
    request_reception_supplement,
)
from motcua.dossiers.services.reorganization import reroute
from motcua.dossiers.services.results import attach_result, remove_result
from motcua.dossiers.services.stops import decline_stop, propose_stop, sign_stop
from motcua.dossiers.services.submission import (
    APPLICANT_COLUMNS,
    next_dossier_code,
    online_reception_point,
    quote_fee,
    receive_at_counter,
    receive_by_post,
    submit_online,
)
from motcua.dossiers.services.supplements import request_supplement, supply_documents
from motcua.dossiers.services.withdrawal import (
    WITHDRAW,
    accept_withdrawal,
    decline_withdrawal,
    originals_on_file,
    request_withdrawal,
)
from motcua.dossiers.services.workflow import assign_step, perform

__all__ = [
    "APPLICANT_COLUMNS",
    "WITHDRAW",
    "ApplicantInfo",
    "CounterDecision",
    "DocumentInput",
    "IntakeOutcome",
    "NationalFile",
    "NationalSubmission",
    "accept",
    "accept_withdrawal",
    "answer_consultation",
    "assign_step",
    "attach_result",
    "await_payment",
    "confirm_submission",
    "consult",
    "declaration_problems",
    "decline_stop",
    "decline_withdrawal",
    "draft_apology",
    "extend",
    "next_dossier_code",
    "online_reception_point",
    "originals_on_file",
    "override_competence",
    "payment_received",
    "perform",
    "propose_stop",
    "quote_fee",
    "rate",
    "receive_and_decide",
    "receive_at_counter",
    "receive_by_post",
    "receive_from_national_portal",
    "record_shipment_created",
    "record_shipment_update",
    "refuse_reception",
    "remove_result",
    "request_reception_supplement",
    "request_supplement",
    "request_withdrawal",
    "reroute",
    "return_result_by_post",
    "reused_document",
    "sign_apology",
    "sign_stop",
    "submit_assisted",
    "submit_online",
    "submit_pending_offline",
    "submit_recorded_offline",
    "supply_documents",
]
