"""Officer workspace pages, a module per resource:

- ``inbox``: the inbox with its filters and keyset pages;
- ``dossier``: a dossier's page and what every form on it shares (finding the dossier, a refusal shown
  beside its form);
- ``actions``: the workflow steps posted from the dossier page (with the stale-page check), consultations;
- ``apologies``: the list of apologies to sign or draft, drafting and signing one;
- ``extensions``: extending a same-day limit (gia hạn) the catalog allows;
- ``results``: attaching and removing a result file;
- ``files``: downloads (results, submitted documents, e-form files) and the slips as PDF;
- ``reception``: counter reception (tiếp nhận tại quầy).

Each view parses its input with a form of ``workspace.forms`` and calls one service.
"""
