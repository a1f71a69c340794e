"""A test PKI for motcua's demo and tests (certomancer): root CA, intermediate CA, an RFC 3161 time-stamping
authority, an OCSP responder and CRLs, and end-entity certificates for a leader (personal signature) or an
agency (organization signature, the "seal").

Keys are generated at set-up with ``cryptography`` and never committed. The directory holds the keys, the
state (issued certificates, revocations) and the certomancer configuration written from it; the served
process (``python -m refservices.pki serve``) reads that configuration and re-reads it when it changes, so a
certificate issued or revoked through :class:`Pki` shows at once in OCSP and in the CRL.

    pki = Pki.setup(dir, url="http://127.0.0.1:8104")
    leader = pki.issue("signer", name="Nguyễn Văn A", organization="UBND phường Phú Hội")
    pki.revoke(leader.serial)
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ARCH = "motcua-test"
STATE_FILE = "state.json"
CONFIG_FILE = "certomancer.yml"
PASSPHRASE_FILE = "pkcs12-passphrase"
KINDS = ("signer", "seal")
COUNTRY = "VN"
PKI_ORGANIZATION = "motcua test PKI"
# A long-enough window for demo data; validity is fixed in the configuration so that certificates regenerate
# byte for byte.
CA_YEARS = 20
END_ENTITY_YEARS = 5
# A new CRL every second, as if issued on request: a revocation shows in the next CRL fetched.
CRL_SCHEDULE = "PT1S"


@dataclass(frozen=True)
class IssuedCert:
    """An end-entity certificate issued by the test PKI's intermediate CA."""

    label: str
    kind: str  # "signer" (a leader's personal signature) | "seal" (an agency's organization signature)
    name: str
    serial: int
    cert_pem_path: Path
    chain_pem_path: Path  # intermediate then root, PEM
    pkcs12_path: Path | None  # None when the key lives elsewhere (public_key given: an HSM token)
    passphrase: str  # of the PKCS#12 file

    @property
    def cert_pem(self) -> bytes:
        return self.cert_pem_path.read_bytes()


def _new_key(path: Path) -> rsa.RSAPrivateKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)
    return key


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _key_usage(*usages: str) -> dict[str, Any]:
    return {
        "id": "key_usage",
        "critical": True,
        "smart-value": {"schema": "key-usage", "params": list(usages)},
    }


def _crl_points(*repos: str) -> dict[str, Any]:
    return {
        "id": "crl_distribution_points",
        "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": list(repos)}},
    }


class Pki:
    """The test PKI kept in ``directory`` (made by :meth:`setup`)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory).resolve()
        if not (self.directory / STATE_FILE).exists():
            raise FileNotFoundError(f"no test PKI in {self.directory}: run `python -m refservices.pki setup`")

    # Set-up -------------------------------------------------------------------------------------

    @classmethod
    def setup(cls, directory: str | os.PathLike[str], *, url: str) -> Pki:
        """Generate new keys and the CA certificates; the certificates point at ``url`` (the served process)
        for CRL, OCSP and time stamps. Keeps an existing PKI made for the same URL."""
        folder = Path(directory).resolve()
        url = url.rstrip("/")
        state_path = folder / STATE_FILE
        if state_path.exists():
            state = json.loads(state_path.read_text())
            if state["url"] != url:
                raise ValueError(
                    f"the test PKI in {folder} serves {state['url']}, not {url}: use another directory"
                )
            return cls(folder)
        (folder / "keys").mkdir(parents=True, exist_ok=True)
        (folder / "certs").mkdir(exist_ok=True)
        now = datetime.now(UTC).replace(microsecond=0)
        for label in ("root", "interm", "ocsp", "tsa"):
            _new_key(folder / "keys" / f"{label}.key.pem")
        passphrase = folder / PASSPHRASE_FILE
        passphrase.write_text(secrets.token_urlsafe(18))
        passphrase.chmod(0o600)
        state = {
            "url": url,
            "created": _time(now - timedelta(days=1)),
            "ca_until": _time(now + timedelta(days=365 * CA_YEARS)),
            "issued": [],
        }
        state_path.write_text(json.dumps(state, indent=2, ensure_ascii=False))
        pki = cls(folder)
        pki._write_config(state)
        pki._export_ca_certs()
        return pki

    # What it holds ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return str(self._state()["url"])

    @property
    def passphrase(self) -> str:
        """The passphrase of the PKCS#12 files it writes."""
        return (self.directory / PASSPHRASE_FILE).read_text().strip()

    @property
    def root_pem_path(self) -> Path:
        """The trust anchor (MOTCUA_SIGNING["trust_roots"])."""
        return self.directory / "certs" / "root.pem"

    @property
    def intermediate_pem_path(self) -> Path:
        return self.directory / "certs" / "interm.pem"

    @property
    def config_path(self) -> Path:
        return self.directory / CONFIG_FILE

    @property
    def timestamp_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    @property
    def ocsp_url(self) -> str:
        return f"{self.url}/{ARCH}/ocsp/interm"

    @property
    def crl_url(self) -> str:
        return f"{self.url}/{ARCH}/crls/interm/latest.crl"

    def issued(self) -> list[IssuedCert]:
        return [self._issued(entry) for entry in self._state()["issued"]]

    # Issue and revoke -----------------------------------------------------------------------

    def issue(
        self,
        kind: str,
        name: str,
        public_key: Any = None,
        *,
        organization: str = "",
        years: int = END_ENTITY_YEARS,
    ) -> IssuedCert:
        """Issue an end-entity certificate: ``kind`` "signer" (``name`` a person, ``organization`` the agency)
        or "seal" (``name`` the agency). A new RSA key is made and packed with the certificate and the chain
        in a PKCS#12 file, unless ``public_key`` is given (a ``cryptography`` public key, an asn1crypto
        ``PublicKeyInfo``, or PEM / DER SubjectPublicKeyInfo bytes): the key then stays where it was made
        (an HSM token) and only the certificate is written."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        with self._locked() as state:
            label = f"{kind}-{len(state['issued']) + 1}"
            key_path = self.directory / "keys" / f"{label}.key.pem"
            private_key = None
            if public_key is None:
                private_key = _new_key(key_path)
                _public_key_path(key_path).write_bytes(_public_pem(private_key.public_key()))
                public_only = False
            else:
                key_path.write_bytes(_public_pem(public_key))
                public_only = True
            now = datetime.now(UTC).replace(microsecond=0)
            entry = {
                "label": label,
                "kind": kind,
                "name": name,
                "organization": organization or (name if kind == "seal" else ""),
                "serial": secrets.randbits(63) | (1 << 62),
                "public_only": public_only,
                "valid_from": _time(now - timedelta(hours=1)),
                "valid_to": _time(now + timedelta(days=365 * years)),
                "revoked": None,
            }
            state["issued"].append(entry)
            self._write_config(state)
            issued = self._export(entry, private_key)
        return issued

    def revoke(self, serial: int, *, reason: str = "key_compromise", at: datetime | None = None) -> None:
        """Revoke the end-entity certificate with ``serial`` (from ``at``, default now): the served OCSP
        responder and CRL say so from the next request."""
        with self._locked() as state:
            for entry in state["issued"]:
                if entry["serial"] == serial:
                    moment = (at or datetime.now(UTC)).replace(microsecond=0) - timedelta(seconds=1)
                    entry["revoked"] = {"since": _time(moment), "reason": reason}
                    break
            else:
                raise KeyError(f"no certificate with serial {serial} in {self.directory}")
            self._write_config(state)

    # The certomancer side ---------------------------------------------------------------------

    def architecture(self) -> Any:
        """certomancer's PKIArchitecture for the current configuration.

        The served process reloads it after every certificate issued or revoked, and an answer must not
        grow with the certificates a session has issued (a signer waits 10 s for a time stamp, a validator
        as long for an OCSP answer). So keys are loaded when a certificate, answer or time stamp first needs
        them (``lazy_load_keys``; a private key costs ~0.1 s, pyca checks it), end-entity keys are only
        their public halves (:func:`_certomancer_config`), and the OCSP responder finds the certificate
        by the serial in its specification instead of certomancer's way, building every certificate the CA
        issued until one has the serial ("FIXME this doesn't really scale")."""
        from certomancer.registry import ArchLabel, CertLabel

        config = self._config()
        architecture = self.certomancer_config(config).get_pki_arch(ArchLabel(ARCH))
        by_serial = {
            (spec["issuer"], int(spec["serial"])): label
            for label, spec in config["pki-architectures"][ARCH]["certs"].items()
        }
        find_by_building = architecture.find_cert_label

        def find_cert_label(cid: Any, issuer_label: Any = None, is_ac: bool = False) -> Any:
            issuer = getattr(issuer_label, "value", issuer_label)
            label = None if is_ac else by_serial.get((issuer, cid["serial_number"].native))
            if label is None:
                return find_by_building(cid, issuer_label=issuer_label, is_ac=is_ac)
            return CertLabel(label)

        setattr(architecture, "find_cert_label", find_cert_label)  # noqa: B010 - an instance's method, replaced
        return architecture

    def certomancer_config(self, config: dict[str, Any] | None = None, *, private_keys: bool = False) -> Any:
        """certomancer's configuration (``config``, else the file's), its keys loaded when first needed.
        ``private_keys``: the end-entity keys' private halves instead of their public ones, for a peer that
        signs with them (refservices.csc)."""
        from certomancer.registry import CertomancerConfig

        config = self._config() if config is None else config
        if private_keys:
            keys = config["keysets"][ARCH]["keys"]
            for label, key in list(keys.items()):
                if key["path"].endswith(".pub.pem"):
                    keys[label] = {"path": key["path"].removesuffix(".pub.pem") + ".key.pem"}
        return CertomancerConfig(config, key_search_dir=str(self.directory), lazy_load_keys=True)

    def _config(self) -> dict[str, Any]:
        """The configuration file, read with libyaml's safe loader where PyYAML has it."""
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(self.config_path, encoding="utf-8") as file:
            return dict(yaml.load(file, Loader=loader))

    def _state(self) -> dict[str, Any]:
        return dict(json.loads((self.directory / STATE_FILE).read_text()))

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The state, read and written under a file lock (tests may issue from several processes)."""
        with open(self.directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self._state()
            yield state
            path = self.directory / STATE_FILE
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(state, indent=2, ensure_ascii=False))
            temporary.replace(path)

    def _write_config(self, state: dict[str, Any]) -> None:
        for entry in state["issued"]:  # a PKI made before the public halves were kept beside the keys
            key_path = self.directory / "keys" / f"{entry['label']}.key.pem"
            if not entry["public_only"] and not _public_key_path(key_path).exists():
                private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
                _public_key_path(key_path).write_bytes(_public_pem(private.public_key()))
        config = _certomancer_config(state)
        temporary = self.config_path.with_suffix(".tmp")
        temporary.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
        temporary.replace(self.config_path)

    def _export_ca_certs(self) -> None:
        architecture = self.architecture()
        for label in ("root", "interm", "ocsp", "tsa"):
            (self.directory / "certs" / f"{label}.pem").write_bytes(_pem(architecture.get_cert(label)))

    def _export(self, entry: dict[str, Any], private_key: rsa.RSAPrivateKey | None = None) -> IssuedCert:
        """The certificate and its chain as PEM files; with the new key (``private_key``), the PKCS#12 file
        (the configuration knows only the key's public half, see :func:`_certomancer_config`)."""
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import pkcs12

        architecture = self.architecture()
        label = entry["label"]
        certs = self.directory / "certs"
        certificate, chain = (
            architecture.get_cert(label),
            [architecture.get_cert(c) for c in ("interm", "root")],
        )
        (certs / f"{label}.pem").write_bytes(_pem(certificate))
        (certs / f"{label}.chain.pem").write_bytes(b"".join(_pem(c) for c in chain))
        if private_key is not None:
            packed = pkcs12.serialize_key_and_certificates(
                name=None,
                key=private_key,
                cert=x509.load_der_x509_certificate(certificate.dump()),
                cas=[x509.load_der_x509_certificate(c.dump()) for c in chain],
                encryption_algorithm=serialization.BestAvailableEncryption(self.passphrase.encode()),
            )
            (self.directory / f"{label}.p12").write_bytes(packed)
            (self.directory / f"{label}.p12").chmod(0o600)
        return self._issued(entry)

    def _issued(self, entry: dict[str, Any]) -> IssuedCert:
        label = entry["label"]
        return IssuedCert(
            label=label,
            kind=entry["kind"],
            name=entry["name"],
            serial=int(entry["serial"]),
            cert_pem_path=self.directory / "certs" / f"{label}.pem",
            chain_pem_path=self.directory / "certs" / f"{label}.chain.pem",
            pkcs12_path=None if entry["public_only"] else self.directory / f"{label}.p12",
            passphrase=self.passphrase,
        )


def _pem(certificate: Any) -> bytes:
    from asn1crypto import pem

    return bytes(pem.armor("CERTIFICATE", certificate.dump()))


def _public_key_path(key_path: Path) -> Path:
    """keys/<label>.pub.pem beside keys/<label>.key.pem: the public half the configuration names."""
    return key_path.with_name(key_path.name.replace(".key.pem", ".pub.pem"))


def _public_pem(public_key: Any) -> bytes:
    """PEM of a public key: a ``cryptography`` key, an asn1crypto ``PublicKeyInfo``, PEM or DER bytes."""
    if hasattr(public_key, "dump"):  # asn1crypto (python-pkcs11's encoders, pyHanko)
        public_key = public_key.dump()
    if isinstance(public_key, bytes):
        if public_key.lstrip().startswith(b"-----"):
            return public_key
        loaded = serialization.load_der_public_key(public_key)
    else:
        loaded = public_key
    return loaded.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _certomancer_config(state: dict[str, Any]) -> dict[str, Any]:
    """The certomancer configuration for the state: one architecture, RSA keys under keys/."""
    keys: dict[str, Any] = {
        label: {"path": f"{label}.key.pem"} for label in ("root", "interm", "ocsp", "tsa")
    }
    entities: dict[str, Any] = {
        label: {"common-name": common_name, "organization-name": PKI_ORGANIZATION}
        for label, common_name in (
            ("root", "motcua Test Root CA"),
            ("interm", "motcua Test Issuing CA"),
            ("ocsp", "motcua Test OCSP Responder"),
            ("tsa", "motcua Test Time-Stamping Authority"),
        )
    }
    ca_validity = {"valid-from": state["created"], "valid-to": state["ca_until"]}
    certs: dict[str, Any] = {
        "root": {
            "subject": "root",
            "issuer": "root",
            "serial": 1,
            "validity": ca_validity,
            "extensions": [
                {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
            ],
        },
        "interm": {
            "issuer": "root",
            "serial": 2,
            "validity": ca_validity,
            "extensions": [
                {
                    "id": "basic_constraints",
                    "critical": True,
                    "value": {"ca": True, "path-len-constraint": 0},
                },
                _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
                _crl_points("root"),
            ],
        },
        "ocsp": {
            "issuer": "interm",
            "serial": 3,
            "validity": ca_validity,
            "extensions": [
                _key_usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                {"id": "ocsp_no_check"},
            ],
        },
        "tsa": {
            "issuer": "root",
            "serial": 4,
            "validity": ca_validity,
            "extensions": [
                _key_usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                _crl_points("root"),
            ],
        },
    }
    for entry in state["issued"]:
        label = entry["label"]
        # Only the public half: certomancer's OCSP responder finds a certificate by building each one the
        # issuing CA issued until the serial matches, and a private key costs ~0.1 s to load (pyca checks it),
        # so an OCSP answer grew with the certificates issued. The PKCS#12 is packed from the key in hand.
        key_file = (
            f"{label}.key.pem" if entry["public_only"] else _public_key_path(Path(f"{label}.key.pem")).name
        )
        keys[label] = {"path": key_file, "public-only": True}
        entity: dict[str, Any] = {"common-name": entry["name"]}
        if entry["organization"]:
            entity["organization-name"] = entry["organization"]
        entities[label] = entity
        spec: dict[str, Any] = {
            "issuer": "interm",
            "serial": int(entry["serial"]),
            "validity": {"valid-from": entry["valid_from"], "valid-to": entry["valid_to"]},
            "extensions": [
                _key_usage("digital_signature", "non_repudiation"),
                _crl_points("interm"),
                {
                    "id": "authority_information_access",
                    "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}},
                },
            ],
        }
        if entry["revoked"]:
            spec["revocation"] = {
                "revoked-since": entry["revoked"]["since"],
                "reason": entry["revoked"]["reason"],
            }
        certs[label] = spec
    return {
        "external-url-prefix": state["url"],
        "keysets": {ARCH: {"path-prefix": "keys", "keys": keys}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": COUNTRY},
                "entities": entities,
                "certs": certs,
                "services": {
                    "ocsp": {
                        "interm": {"for-issuer": "interm", "responder-cert": "ocsp", "signing-key": "ocsp"}
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P1D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": CRL_SCHEDULE,
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }
