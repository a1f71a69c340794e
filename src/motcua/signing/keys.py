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

import hashlib
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
# Digests whose PAdES signed attributes the PKCS#12 signer encodes once (see _kept_key_signer).
FIXED_LENGTH_DIGESTS = frozenset({"sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512"})
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
    """``loaded`` (a pyHanko ``SimpleSigner``) made for signing many documents in one worker process:

    - the private key stays loaded in OpenSSL: pyHanko's ``SimpleSigner.sign_raw`` re-imports it from its DER
      encoding at every signature, and OpenSSL checks an RSA key when it imports it (a fifth of a signature);
    - the signature mechanism and the PAdES signed attributes are encoded once (see ``signed_attrs``)."""
    from asn1crypto.algos import SignedDigestAlgorithm
    from asn1crypto.cms import CMSAttributes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        def get_signature_mechanism_for_digest(self, digest_algorithm: str | None) -> Any:
            # Worked out from the certificate's key at each call by pyHanko (several times per signature);
            # the same for a key and a digest, so kept encoded and read back (cheap to encode again).
            if digest_algorithm not in mechanisms:
                found = super().get_signature_mechanism_for_digest(digest_algorithm)
                mechanisms[digest_algorithm] = found.dump()
            return SignedDigestAlgorithm.load(mechanisms[digest_algorithm])

        async def signed_attrs(
            self,
            data_digest: bytes,
            digest_algorithm: str,
            attr_settings: Any = None,
            content_type: str = "data",
            use_pades: bool = False,
            timestamper: Any = None,
            dry_run: bool = False,
            is_pdf_sig: bool = True,
        ) -> Any:
            # A PAdES signature's signed attributes (ETSI EN 319 142-1, 6.3: content type, message digest,
            # ESS signing-certificate-v2) differ from one signature to the next only by the digest;
            # asn1crypto builds and encodes them again each time, which was a third of a signature. They are
            # encoded once per digest algorithm with a stand-in digest, and each signature reads back that
            # encoding with its own digest in place of the stand-in.
            plain_pades = (
                use_pades
                and is_pdf_sig
                and content_type == "data"
                and self.signed_attr_prov_spec is None
                and (attr_settings is None or attr_settings.cades_signed_attrs is None)
                and digest_algorithm in FIXED_LENGTH_DIGESTS
            )
            if not plain_pades:
                return await super().signed_attrs(
                    data_digest,
                    digest_algorithm,
                    attr_settings=attr_settings,
                    content_type=content_type,
                    use_pades=use_pades,
                    timestamper=timestamper,
                    dry_run=dry_run,
                    is_pdf_sig=is_pdf_sig,
                )
            stand_in = hashlib.new(digest_algorithm, b"motcua: stand-in digest").digest()
            if len(data_digest) != len(stand_in):
                raise ValueError(
                    f"a {digest_algorithm} digest has {len(stand_in)} bytes, not {len(data_digest)}"
                )
            if digest_algorithm not in encoded_attributes:
                attributes = await super().signed_attrs(
                    stand_in, digest_algorithm, attr_settings=attr_settings, use_pades=True, dry_run=dry_run
                )
                encoded_attributes[digest_algorithm] = attributes.dump()
            encoded = encoded_attributes[digest_algorithm]
            if encoded.count(stand_in) != 1:  # pragma: no cover - the stand-in elsewhere by accident
                return await super().signed_attrs(
                    data_digest,
                    digest_algorithm,
                    attr_settings=attr_settings,
                    use_pades=True,
                    dry_run=dry_run,
                )
            return CMSAttributes.load(encoded.replace(stand_in, data_digest))

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
    mechanisms: dict[str | None, bytes] = {}
    encoded_attributes: dict[str, bytes] = {}
    return KeptKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )
