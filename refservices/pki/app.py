"""The served test PKI: certomancer's Animator (OCSP, CRLs, time stamps, certificates) over the configuration
in the PKI directory, rebuilt when :class:`refservices.pki.Pki` rewrites it (a certificate issued or revoked
while the process runs), and ``/healthz``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import Pki


class PkiApp:
    def __init__(self, directory: str | Path) -> None:
        self.pki = Pki(directory)
        self._lock = threading.Lock()
        self._animator: Any = None
        self._loaded_version: tuple[int, int] | None = None

    def animator(self) -> Any:
        from certomancer.integrations.animator import Animator, AnimatorArchStore

        class WholeSecondAnimator(Animator):  # type: ignore[misc]
            """Times to the second: strict DER readers (pyca/cryptography) refuse OCSP answers whose
            producedAt carries microseconds."""

            def at_time(self, request: Any) -> Any:
                return super().at_time(request).replace(microsecond=0)

        stat = self.pki.config_path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._animator is None or version != self._loaded_version:
                architecture = self.pki.architecture()
                self._animator = WholeSecondAnimator(
                    AnimatorArchStore({architecture.arch_label: architecture}),
                    with_web_ui=False,
                    allow_time_override=False,
                )
                self._loaded_version = version
            return self._animator

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        return self.animator()(environ, start_response)  # type: ignore[no-any-return]
