"""PKCS#11 key source (``KeySource.kind == "pkcs11"``): the private key lives in a token — a hardware security
module, a USB token, or SoftHSM2 in the tests — and signs there; only the signature leaves it.

``ref`` is ``"<token label>/<key label>"``; ``secret_env`` names the environment variable holding the user PIN
(never the PIN itself). ``options``:

- ``module``: the PKCS#11 library (default ``MOTCUA_SIGNING["pkcs11_module"]``, else Debian softhsm2's
  ``/usr/lib/softhsm/libsofthsm2.so``);
- ``certificate``: the signer's certificate (PEM file) when it is not stored in the token; otherwise the
  certificate object with the key's label is read from the token;
- ``chain``: the issuing CA certificates (PEM file) to embed; otherwise every certificate in the token.

An unusable key (no module, no token, PIN refused, no such key or certificate) is a ``DomainError``
``signing.key_unavailable`` with a plain message and the technical ``reason`` for the log.

Law 20/2023/QH15 on electronic transactions (electronic signatures) and Decree 23/2025/NĐ-CP
(electronic signatures and trust services, replacing Decree 130/2018/NĐ-CP): the signing key stays under
the signer's sole control in a signature-creation device. Keys are made inside the token (sensitive, not
extractable) and used only by the signing worker: web processes never open the token.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.signing.keys import KEY_UNAVAILABLE

if TYPE_CHECKING:
    from motcua.signing.keys import KeySource

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def unavailable(message: Any, *, reason: str, **params: Any) -> DomainError:
    """The key cannot be used now (``keys.KEY_UNAVAILABLE``: the signing job may be retried once the token,
    the service or the configuration is fixed), with a message an officer can act on; ``reason``
    (technical) is for the log only."""
    error = DomainError(KEY_UNAVAILABLE, message, **params)
    error.reason = reason  # type: ignore[attr-defined]
    return error


def module_path(source: KeySource) -> str:
    configured = (getattr(settings, "MOTCUA_SIGNING", None) or {}).get("pkcs11_module")
    return str(source.options.get("module") or configured or DEFAULT_MODULE)


def parse_ref(ref: str) -> tuple[str, str]:
    """``"token/key"`` → (token label, key label); a token label may not hold "/", a key label may."""
    token_label, _slash, key_label = ref.partition("/")
    if not token_label or not key_label:
        raise unavailable(
            _("Khóa trong token PKCS#11 phải được ghi dạng “nhãn token/nhãn khóa”, không phải “%(ref)s”."),
            reason=f"malformed pkcs11 ref {ref!r}",
            ref=ref,
        )
    return token_label, key_label


def load_signer(source: KeySource) -> Any:
    """A pyHanko signer over the token's key, holding a logged-in PKCS#11 session that its ``close()`` ends
    (``pades.sign_pdf`` calls it). The key and its certificate are looked up now, so that a missing key is a
    clear ``DomainError`` here rather than a failure in the middle of signing."""
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    token_label, key_label = parse_ref(source.ref)
    pin = source.secret()
    if not pin:
        raise unavailable(
            _("Chưa cấu hình mã PIN của token “%(token)s”."),
            reason=f"no PIN: secret_env {source.secret_env!r} is not named or empty",
            token=token_label,
        )
    certificate = _certificates(source.options.get("certificate"))
    chain = _certificates(source.options.get("chain"))
    module = module_path(source)
    if not Path(module).is_file():
        raise unavailable(
            _("Máy ký số chưa có thư viện PKCS#11 của token. Đề nghị quản trị viên kiểm tra cấu hình khóa."),
            reason=f"no PKCS#11 module at {module}",
        )
    try:
        session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except PKCS11Error as error:
        raise unavailable(
            _("Không mở được token ký số “%(token)s” (không thấy token hoặc mã PIN bị từ chối)."),
            reason=f"{module}: token {token_label!r}: {type(error).__name__} {error}",
            token=token_label,
        ) from error
    try:
        signer = _token_signer_class()(
            session,
            key_label=key_label,
            cert_label=None if certificate else key_label,
            signing_cert=certificate[0] if certificate else None,
            ca_chain=chain,
            # Without a chain file, the CA certificates stored in the token go into the signature.
            other_certs_to_pull=() if chain else None,
        )
        # Looks up the key and the certificate now. An EC key signs the hash computed here (CKM_ECDSA): every
        # token has that mechanism, not all have the hash-and-sign ones (SoftHSM2 has not).
        signer.use_raw_mechanism = signer.signing_cert.public_key.algorithm == "ec"
    except PKCS11Error as error:
        session.close()
        raise unavailable(
            _("Token ký số “%(token)s” không có khóa “%(key)s” kèm chứng thư số."),
            reason=f"{module}: token {token_label!r}: {type(error).__name__} {error}",
            token=token_label,
            key=key_label,
        ) from error
    except BaseException:
        session.close()
        raise
    return signer


def _token_signer_class() -> type:
    from pyhanko.sign.pkcs11 import PKCS11Signer

    class TokenSigner(PKCS11Signer):  # type: ignore[misc]
        """pyHanko's PKCS#11 signer that ends its session when closed."""

        def close(self) -> None:
            self.pkcs11_session.close()

    return TokenSigner


def _certificates(path: str | None) -> list[Any]:
    if not path:
        return []
    from pyhanko.keys import load_certs_from_pemder

    try:
        return list(load_certs_from_pemder([path]))
    except (OSError, ValueError) as error:
        raise unavailable(
            _("Không đọc được tệp chứng thư số của khóa ký. Đề nghị quản trị viên kiểm tra cấu hình khóa."),
            reason=f"cannot read certificates from {path}: {error}",
        ) from error
