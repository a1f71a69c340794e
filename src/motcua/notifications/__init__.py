"""Thông báo cho người nộp hồ sơ: e-mail, SMS and the citizen's in-portal list (docs/integrations.md
"Notifications"). The outbox adapter (``adapter``) turns ``notify.applicant`` rows into messages; the citizen
chooses channels and confirms a contact address once (``services``)."""
