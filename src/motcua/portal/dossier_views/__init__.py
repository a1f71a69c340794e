"""Citizen portal pages for dossiers, a module per resource:

- ``eform``: the e-form (nộp hồ sơ trực tuyến), its drafts and its submission (``portal.submissions``);
- ``my_dossiers``: "my dossiers", a dossier's page with its timeline, and what the citizen does there
  (answer a supplement request, withdraw, rate);
- ``files``: downloads of the citizen's own dossier (results, submitted documents, e-form files, slips);
- ``lookup``: the public lookup by code and ID ending, and rating from it.
"""
