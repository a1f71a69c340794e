"""Key sources: where a signing key lives, and the pyHanko signer made from it.

A :class:`KeySource` is a description (a settings entry or a ``SigningKey`` row): it names the key and the
environment variable holding its secret, never the secret itself. :func:`load_signer` resolves it, in the
signing worker only (web processes never load keys). Kinds:

- ``pkcs12``: a PKCS#12 file (``ref`` its path; ``options["chain"]`` an optional PEM file of CA certificates);
- ``pkcs11``: a key inside a PKCS#11 token (SoftHSM2 in tests), in :mod:`motcua.signing.pkcs11`;
- ``csc``: a remote signing service (Cloud Signature Consortium API), in :mod:`motcua.signing.csc`.

Each kind's module provides ``load_signer(source) -> Signer``; it is imported only when that kind is used, so
the worker needs a kind's libraries (python-pkcs11, an HTTP client) only if it is configured. A signer that
holds a session (a PKCS#11 token, a CSC authorization) exposes ``close()``, which
:func:`motcua.signing.pades.sign_pdf` calls once the PDF is signed. A backend reports an unusable key with
:func:`key_unavailable` (code ``signing.key_unavailable``).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError, register

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

KEY_UNAVAILABLE = "signing.key_unavailable"
register({KEY_UNAVAILABLE: 503})

# kind -> module providing ``load_signer(source)``; pkcs12 is here, the others in their own modules.
BACKENDS: dict[str, str] = {
    "pkcs12": __name__,
    "pkcs11": "motcua.signing.pkcs11",
    "csc": "motcua.signing.csc",
}


@dataclass(frozen=True)
class KeySource:
    """Where a signing key lives; resolved only in the signing worker."""

    kind: str  # "pkcs12" | "pkcs11" | "csc"
    ref: str  # pkcs12: file path; pkcs11: "token label/key label"; csc: credential id
    secret_env: str = ""  # NAME of the env var holding the passphrase / PIN / CSC secret (never the secret)
    options: Mapping[str, str] = field(default_factory=dict)  # module path, service url, chain path…

    def secret(self) -> str | None:
        """The secret from the environment, or None when no variable is named."""
        if not self.secret_env:
            return None
        value = os.environ.get(self.secret_env)
        if value is None:
            raise key_unavailable(self, reason=f"environment variable {self.secret_env} is not set")
        return value


def key_unavailable(source: KeySource, *, reason: str) -> DomainError:
    """The key cannot be used now (missing file, wrong secret, token absent, service down): the job may be
    retried once an operator fixes it. ``reason`` is for the log, never shown to a citizen."""
    error = DomainError(
        KEY_UNAVAILABLE,
        _("Không dùng được khóa ký số (%(kind)s). Đề nghị quản trị viên kiểm tra cấu hình khóa."),
        kind=source.kind,
    )
    error.reason = reason  # type: ignore[attr-defined]
    return error


def load_signer(source: KeySource) -> Signer:
    """The pyHanko signer for ``source`` (a ``SimpleSigner`` for PKCS#12; the PKCS#11 and CSC signers hold a
    session, closed by their ``close()``)."""
    try:
        module_name = BACKENDS[source.kind]
    except KeyError:
        raise key_unavailable(source, reason=f"unknown key source kind {source.kind!r}") from None
    if module_name == __name__:
        return load_pkcs12(source)
    backend = importlib.import_module(module_name)
    signer: Signer = backend.load_signer(source)
    return signer


def load_pkcs12(source: KeySource) -> Signer:
    """A ``SimpleSigner`` from a PKCS#12 file, kept in the worker's memory while the file, its chain and its
    passphrase stay the same (opening a PKCS#12 file costs a key derivation per signature otherwise)."""
    path = Path(source.ref)
    if not path.is_file():
        raise key_unavailable(source, reason=f"no PKCS#12 file at {path}")
    secret = source.secret()
    chain = source.options.get("chain") or ""
    stat = path.stat()
    return _open_pkcs12(str(path), stat.st_mtime_ns, stat.st_size, chain, secret)


@lru_cache(maxsize=32)
def _open_pkcs12(path: str, mtime_ns: int, size: int, chain: str, secret: str | None) -> Signer:
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.sign.signers import SimpleSigner

    try:
        loaded = SimpleSigner.load_pkcs12_data(
            Path(path).read_bytes(),
            other_certs=list(load_certs_from_pemder([chain])) if chain else [],
            passphrase=secret.encode() if secret is not None else None,
        )
    except (ValueError, OSError) as error:
        raise key_unavailable(
            KeySource(kind="pkcs12", ref=path), reason=f"cannot open {path}: {error}"
        ) from error
    return _kept_key_signer(loaded)


def _kept_key_signer(loaded: Any) -> Signer:
    """``loaded`` (a pyHanko ``SimpleSigner``) keeping its private key loaded in OpenSSL.

    pyHanko's ``SimpleSigner.sign_raw`` re-imports the key from its DER encoding at every signature, and
    OpenSSL checks an RSA key when it imports it: that check was a fifth of a signature's time."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            try:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            except ValueError:
                mechanism = ""
            key = private_key
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            signature: bytes = super().sign_raw(data, digest_algorithm)  # PSS, EdDSA…: pyHanko's own way
            return signature

    private_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)
    return KeptKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )
