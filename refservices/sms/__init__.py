"""A reference SMS gateway over HTTP (API key, idempotency key, signed delivery receipts): the stand-in for a
telecom operator's brandname-SMS API in the demo and the tests (docs/refservices.md)."""
