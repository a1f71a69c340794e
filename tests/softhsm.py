"""A SoftHSM2 token for the PKCS#11 signing tests (Debian ``softhsm2``, installed by ``make test``).

The token lives in a temporary directory with its own configuration (``SOFTHSM2_CONF``), initialised with
``softhsm2-util --init-token``. Keys are generated inside it through python-pkcs11, the private half sensitive
and not extractable, as on a signing HSM: only the public key comes out, for the test PKI to certify; the
certificate is then stored in the token beside the key, under the same label.

SoftHSM reads its configuration once per process, when the library is first initialised, and sees only the
tokens present then: the session fixture makes the token before any test opens the library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "motcua-test"
PIN_ENV = "MOTCUA_TEST_TOKEN_PIN"


def available() -> bool:
    return shutil.which("softhsm2-util") is not None and Path(MODULE).is_file()


class SoftHsm:
    def __init__(self, directory: Path, *, token_label: str = TOKEN_LABEL, pin: str, so_pin: str) -> None:
        self.directory = directory
        self.token_label = token_label
        self.pin = pin
        self.so_pin = so_pin
        self.module = MODULE

    @classmethod
    def create(cls, directory: Path, *, token_label: str = TOKEN_LABEL) -> SoftHsm:
        """Write the configuration, point ``SOFTHSM2_CONF`` at it and initialise one token."""
        import secrets

        tokens = directory / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        config = directory / "softhsm2.conf"
        config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
        os.environ["SOFTHSM2_CONF"] = str(config)
        hsm = cls(
            directory,
            token_label=token_label,
            pin=str(secrets.randbelow(10**8)).zfill(8),
            so_pin=secrets.token_hex(8),
        )
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                token_label,
                "--so-pin",
                hsm.so_pin,
                "--pin",
                hsm.pin,
            ],
            check=True,
            capture_output=True,
        )
        return hsm

    @contextmanager
    def session(self) -> Iterator[Any]:
        """A read-write session logged in as the token's user."""
        import pkcs11

        token = pkcs11.lib(self.module).get_token(token_label=self.token_label)
        with token.open(rw=True, user_pin=self.pin) as session:
            yield session

    def generate_key(self, label: str, *, algorithm: str = "rsa") -> Any:
        """A key pair made inside the token (private half sensitive, never extractable); returns the public
        key (a ``cryptography`` object) for the PKI to certify."""
        from cryptography.hazmat.primitives import serialization
        from pkcs11 import Attribute, KeyType
        from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

        private = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False, Attribute.SIGN: True}
        key_id = label.encode()
        with self.session() as session:
            if algorithm == "rsa":
                public, _private = session.generate_keypair(
                    KeyType.RSA, 2048, label=label, id=key_id, store=True, private_template=private
                )
                from cryptography.hazmat.primitives.asymmetric import rsa

                return rsa.RSAPublicNumbers(
                    int.from_bytes(public[Attribute.PUBLIC_EXPONENT]),
                    int.from_bytes(public[Attribute.MODULUS]),
                ).public_key()
            if algorithm == "ec":
                parameters = session.create_domain_parameters(
                    KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
                )
                public, _private = parameters.generate_keypair(
                    label=label, id=key_id, store=True, private_template=private
                )
                return serialization.load_der_public_key(encode_ec_public_key(public))
        raise ValueError(f"unknown algorithm {algorithm!r}")

    def store_certificate(self, label: str, certificate_pem: bytes) -> None:
        """Store a certificate (or several, PEM) in the token under ``label``: the label and id of its key,
        or of a CA's certificates kept with the keys they certify."""
        from asn1crypto import pem
        from pkcs11 import Attribute
        from pkcs11.util.x509 import decode_x509_certificate

        with self.session() as session:
            for _type, _headers, der in pem.unarmor(certificate_pem, multiple=True):
                attributes = decode_x509_certificate(der)
                attributes.update(
                    {Attribute.LABEL: label, Attribute.ID: label.encode(), Attribute.TOKEN: True}
                )
                session.create_object(attributes)

    def private_key(self, session: Any, label: str) -> Any:
        from pkcs11 import KeyType, ObjectClass

        for key_type in (KeyType.RSA, KeyType.EC):
            try:
                return session.get_key(object_class=ObjectClass.PRIVATE_KEY, key_type=key_type, label=label)
            except Exception:
                continue
        raise LookupError(label)

    def key_source(self, label: str, **options: str) -> Any:
        """The ``KeySource`` of a key in this token, its PIN in the environment (as the worker has it)."""
        from motcua.signing.keys import KeySource

        os.environ[PIN_ENV] = self.pin
        return KeySource(
            kind="pkcs11",
            ref=f"{self.token_label}/{label}",
            secret_env=PIN_ENV,
            options={"module": self.module, **options},
        )
