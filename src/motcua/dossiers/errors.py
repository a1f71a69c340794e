"""Error codes of the dossier engine, each with one meaning and the HTTP status a page answers with.

Codes not listed answer 400 (the request was refused, nothing changed)."""

from __future__ import annotations

from motcua.core.errors import register

CONFLICT = "dossier.conflict"  # another user changed the dossier during this request
CHANGED = "dossier.changed"  # the page that posted showed an older version of the dossier
FORBIDDEN = "dossier.forbidden"  # no such dossier for this user (never says which)
FILE_FORBIDDEN = "file.forbidden"
WRONG_STATE = "dossier.wrong_state"
CLOSED = "dossier.closed"
SUPPLEMENT_NO_ITEMS = "supplement.no_items"  # an officer's request lists no document
SUPPLEMENT_EMPTY = "supplement.empty"  # the applicant's answer attaches no document
SUPPLEMENT_CLOSED = "supplement.closed"
FORWARDING_NOT_FOUND = "forwarding.not_found"  # no such forwarded record for this user (never says which)
FORWARDING_UNITS_NOT_LOADED = "forwarding.units_not_loaded"  # other provinces' communes are not loaded
# Directive 24/CT-TTg: paper reception of an online-only procedure, and the assisted submission's refusals.
ONLINE_ONLY = "reception.online_only"
ASSISTED_NOT_ONLINE = "assisted.not_online"  # the procedure has no online service to submit to
ASSISTED_UNCONFIRMED = "assisted.unconfirmed"  # on the spot, the citizen's confirmation was not recorded
ASSISTED_NEEDS_ID = "assisted.needs_id"  # e-ID confirmation needs the citizen's 12-digit ID number
ASSISTED_OFFLINE_EID = "assisted.offline_eid"  # the online path is down: the e-ID cannot confirm now
ASSISTED_CONFIRM_FORBIDDEN = "assisted.confirm_forbidden"  # not the identity the dossier carries
# The stop notice (form 05) and the withdrawal request.
STOP_LEADER_ONLY = "stop.leader_only"  # only a leader of the competent agency ends a dossier after receipt
STOP_PROPOSE_FORBIDDEN = "stop.propose_forbidden"  # only the officer holding the current step proposes
STOP_PENDING = "stop.pending"  # a proposal already waits for the leader
STOP_DECIDED = "stop.decided"  # the proposal was already signed or declined
WITHDRAW_PENDING = "withdraw.pending"  # a request already waits for the agency's decision
WITHDRAW_PENDING_DECISION = "withdraw.pending_decision"  # decide the withdrawal before ending otherwise
WITHDRAW_DECIDED = "withdraw.decided"  # the request was already accepted or declined
WITHDRAW_DECIDE_FORBIDDEN = "withdraw.decide_forbidden"  # only a leader of the competent agency decides
REGISTER_FORBIDDEN = "register.forbidden"  # the dossier register of a point the user does not work at
REGISTER_YEAR = "register.year"  # a register year out of range
RESULT_DELIVERY = "reception.result_delivery"
DELIVERY_ADDRESS = "reception.delivery_address"  # a result by post without an address to carry it to
DOSSIER_SETS = "reception.dossier_sets"
SUPPLEMENT_REPEAT_REASON = "supplement.repeat_reason"  # a second request without why it was not asked first
SUPPLEMENT_LATE_REASON = "supplement.late_reason"  # a request after the version's deadline, without a reason
SUPPLEMENT_RECEPTION_STEP = "supplement.reception_step"  # the reception desk after the receipt
# ``perform(action="sign")``: the signing service signs (result document, second factor), not the engine.
SIGN_NEEDS_SIGNING = "action.sign_needs_signing"

HTTP_STATUS = {
    CONFLICT: 409,
    CHANGED: 409,
    FORBIDDEN: 404,
    FILE_FORBIDDEN: 404,
    WRONG_STATE: 400,
    CLOSED: 400,
    SUPPLEMENT_NO_ITEMS: 400,
    SUPPLEMENT_EMPTY: 400,
    SUPPLEMENT_CLOSED: 400,
    FORWARDING_NOT_FOUND: 404,
    FORWARDING_UNITS_NOT_LOADED: 400,
    ONLINE_ONLY: 400,
    ASSISTED_NOT_ONLINE: 400,
    ASSISTED_UNCONFIRMED: 400,
    ASSISTED_NEEDS_ID: 400,
    ASSISTED_OFFLINE_EID: 400,
    ASSISTED_CONFIRM_FORBIDDEN: 403,
    STOP_LEADER_ONLY: 403,
    STOP_PROPOSE_FORBIDDEN: 403,
    STOP_PENDING: 409,
    STOP_DECIDED: 409,
    WITHDRAW_PENDING: 409,
    WITHDRAW_PENDING_DECISION: 409,
    WITHDRAW_DECIDED: 409,
    WITHDRAW_DECIDE_FORBIDDEN: 403,
    REGISTER_FORBIDDEN: 403,
    REGISTER_YEAR: 400,
    RESULT_DELIVERY: 400,
    DELIVERY_ADDRESS: 400,
    DOSSIER_SETS: 400,
    SUPPLEMENT_REPEAT_REASON: 400,
    SUPPLEMENT_LATE_REASON: 400,
    SUPPLEMENT_RECEPTION_STEP: 403,
    SIGN_NEEDS_SIGNING: 400,
}

register(HTTP_STATUS)
