"""The catalog verifier: proves, for a date, that every procedure in force can actually be handled.

Rules (each finding carries the rule's code):
- ``competence.gap`` / ``competence.overlap``: for every procedure and every commune of the
  province, exactly one competent agency; ``competence.district_agency``: from 1 July 2025 no rule names
  an agency of the old district level (Law 72/2025/QH15 ends it);
- ``workflow.*``: one initial step, every step reachable, every path ends in a result or a
  refusal, actions and transitions consistent (returns go back and need a reason; refusal and
  result end the workflow);
- ``workflow.cycle``: no cycle without a return-with-reason (the "dossier sent in circles" defect);
- ``performer.missing``: every performer role has an active staff member at the resolved agency;
- ``time.exceeded``: the longest path of step allotments fits in the legal time limit;
- ``form.*``: the e-form is a valid JSON Schema 2020-12 with a consistent UI schema, and every
  required document is covered;
- ``legal.*``: every version cites a legal basis in force on its first day (the superseded documents are
  data: ``LegalDocument``); ``catalog.unconfirmed`` (information) lists the "[kiểm tra]" flags of a version;
- ``fee.*``: every fee rule only names form fields and computes on a sample form; every number field a
  fee reads has a ``maximum`` (``fee.unbounded_field``), and at those maximums the fee still fits what a
  dossier stores (``fee.not_computable``), on the version's first day and on each later day a fee rule takes
  effect, with each date the fee reads (``days_since``) on that day and long before; every fee names its
  ``legal_basis`` and ``valid_from`` (``fee.rule``) and is in force from the version's first day
  (``fee.not_in_force``).

The world (communes, agencies, staff positions, rules) is loaded once into dictionaries, so a
run over thousands of procedures and all communes stays a handful of queries.

Where each rule lives: ``competence`` (competence.*), ``workflows`` (workflow.*, time.exceeded),
``performers`` (performer.missing), ``form_and_fees`` (form.*, fee.*), ``legal`` (legal.*,
catalog.unconfirmed); ``world`` loads geography and
organization, ``versions`` what the checks read of each version, ``runner`` runs them (``verify``) and
``report`` holds the findings.
"""

from .competence import competent_agency_ids
from .report import ERROR, INFO, WARNING, Finding, Report
from .runner import verify
from .world import World

__all__ = ["ERROR", "INFO", "WARNING", "Finding", "Report", "World", "competent_agency_ids", "verify"]
