"""Start, stop and drive the reference CSC peer as a child process (tests, demo scripts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..child import ChildServer
from ..pki import ARCH, IssuedCert
from .app import DEFAULT_ACCESS_TOKEN, DEFAULT_PASSWORD, DEFAULT_USERNAME


class RunningCsc(ChildServer):
    """A CSC peer process on a loopback port over the test PKI in ``pki_directory``."""

    module = "refservices.csc"
    health_path = "/healthz"

    def __init__(
        self,
        pki_directory: str | Path,
        *,
        port: int | None = None,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
    ) -> None:
        super().__init__(port=port)
        self.pki_directory = Path(pki_directory)
        self.access_token = access_token
        self.username = username
        self.password = password

    def arguments(self) -> list[str]:
        return [
            "--pki-dir",
            str(self.pki_directory),
            "--access-token",
            self.access_token,
            "--username",
            self.username,
            "--password",
            self.password,
        ]

    @staticmethod
    def credential_id(issued: IssuedCert) -> str:
        """The CSC credential id of a certificate the test PKI issued (with its key: a PKCS#12 one)."""
        return f"{ARCH}/{issued.label}"


@contextmanager
def running_csc(pki_directory: str | Path, port: int | None = None, **options: Any) -> Iterator[RunningCsc]:
    """Run ``python -m refservices.csc`` on a loopback port for the duration of the block."""
    server = RunningCsc(pki_directory, port=port, **options)
    try:
        server.start()
        yield server
    finally:
        server.stop()
