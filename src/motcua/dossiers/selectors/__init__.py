"""Reads of dossiers, one module per concern, re-exported here (``selectors.inbox_page(...)``).

| concern | module |
| --- | --- |
| which dossiers a user sees, what they may do now | ``visibility`` (the rules: ``dossiers.access``) |
| an officer's inbox | ``inbox`` |
| a dossier's history for its applicant or staff | ``timeline`` |
| documents missing, downloadable files | ``files`` |
| apology notices | ``apologies`` |
| stop notice (form 05) and withdrawal request: pending, signed, who may decide | ``endings`` |
| submissions from the national public service portal already received | ``national`` |
"""

from __future__ import annotations

from motcua.dossiers.selectors.apologies import (
    apologies_to_sign,
    can_draft_apology,
    can_sign_apology,
    dossiers_needing_apology,
    suggested_new_appointment,
)
from motcua.dossiers.selectors.assisted import (
    awaiting_confirmation_for,
    dossier_to_confirm,
    pending_offline_count,
    recorded_offline_for,
)
from motcua.dossiers.selectors.endings import (
    can_decide_stop,
    can_decide_withdrawal,
    can_propose_stop,
    can_request_withdrawal,
    can_sign_stop,
    pending_stop_notice,
    pending_withdrawal,
    signed_stop_notice,
)
from motcua.dossiers.selectors.files import document_for, missing_documents, result_for, results_for
from motcua.dossiers.selectors.inbox import (
    INBOX_ORDER,
    InboxFilters,
    InboxKey,
    InboxPage,
    InboxSide,
    inbox_count,
    inbox_for,
    inbox_key,
    inbox_page,
    inbox_page_and_side,
    inbox_procedures,
    inbox_side,
    open_consultations_for,
)
from motcua.dossiers.selectors.national import national_codes_known
from motcua.dossiers.selectors.timeline import Timeline, TimelineEntry, public_entries, timeline_for
from motcua.dossiers.selectors.visibility import (
    allowed_actions,
    can_attach_result,
    can_extend,
    can_rate,
    can_view,
    extension_latest,
    get_dossier,
    visible_dossiers,
)
from motcua.dossiers.status import step_time_status, time_status

__all__ = [
    "INBOX_ORDER",
    "InboxFilters",
    "InboxKey",
    "InboxPage",
    "InboxSide",
    "Timeline",
    "TimelineEntry",
    "allowed_actions",
    "apologies_to_sign",
    "awaiting_confirmation_for",
    "can_attach_result",
    "can_decide_stop",
    "can_decide_withdrawal",
    "can_draft_apology",
    "can_extend",
    "can_propose_stop",
    "can_rate",
    "can_request_withdrawal",
    "can_sign_apology",
    "can_sign_stop",
    "can_view",
    "document_for",
    "dossier_to_confirm",
    "dossiers_needing_apology",
    "extension_latest",
    "get_dossier",
    "inbox_count",
    "inbox_for",
    "inbox_key",
    "inbox_page",
    "inbox_page_and_side",
    "inbox_procedures",
    "inbox_side",
    "missing_documents",
    "national_codes_known",
    "open_consultations_for",
    "pending_offline_count",
    "pending_stop_notice",
    "pending_withdrawal",
    "public_entries",
    "recorded_offline_for",
    "result_for",
    "results_for",
    "signed_stop_notice",
    "step_time_status",
    "suggested_new_appointment",
    "time_status",
    "timeline_for",
    "visible_dossiers",
]
