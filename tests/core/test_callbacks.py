"""The signed-callback pieces the payment, postal and SMS adapters share (motcua.core.callbacks)."""

from __future__ import annotations

import hashlib
import hmac

from motcua.core import callbacks


def test_the_signature_is_hmac_sha256_of_the_message_written_with_its_prefix():
    expected = hmac.new(b"secret", b'{"a": 1}', hashlib.sha256).hexdigest()
    assert callbacks.hmac_sha256("secret", b'{"a": 1}') == f"sha256={expected}"


def test_only_the_same_signature_matches():
    good = callbacks.hmac_sha256("secret", b"body")
    assert callbacks.signature_matches(good, good)
    assert callbacks.signature_matches(good, f" {good}\t")  # a header's surrounding blanks
    assert not callbacks.signature_matches(good, callbacks.hmac_sha256("other", b"body"))
    assert not callbacks.signature_matches(good, callbacks.hmac_sha256("secret", b"body!"))
    assert not callbacks.signature_matches(good, good.upper())
    for absurd in ("", None, "sha256=", "\x00" * 64, "chữ ký", "x" * 100_000):
        assert not callbacks.signature_matches(good, absurd)
    assert not callbacks.signature_matches("", "")  # no secret, no signature: never a match


def test_a_moment_counts_only_as_a_number_within_the_window():
    now = 1_800_000_000.0
    assert callbacks.moment_within(now - 299, window_seconds=300, now=now)
    assert callbacks.moment_within(int(now) + 300, window_seconds=300, now=now)
    assert not callbacks.moment_within(now - 301, window_seconds=300, now=now)
    assert not callbacks.moment_within(now + 10**12, window_seconds=300, now=now)
    for absurd in (True, False, None, "1800000000", float("nan"), float("inf"), [now]):
        assert not callbacks.moment_within(absurd, window_seconds=300, now=now)


def test_a_nul_anywhere_in_a_parsed_body_is_found():
    assert callbacks.holds_nul({"a": ["x", {"b": "y\x00"}]})
    assert callbacks.holds_nul({"k\x00": 1})
    assert not callbacks.holds_nul({"a": ["x", {"b": "y", "n": 1, "f": 1.5, "t": True, "z": None}]})
