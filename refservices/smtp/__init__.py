"""A local SMTP server (aiosmtpd) that keeps every message it receives and shows them on a small HTTP read
API: the stand-in for an agency's mail relay in the demo and the tests (docs/refservices.md)."""
