"""Set up and run the test PKI as a child process (tests, demo scripts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from ..child import ChildServer
from ..idp.process import free_port
from . import STATE_FILE, Pki


class RunningPki(ChildServer):
    """``python -m refservices.pki serve`` on a loopback port, over a PKI set up for that port."""

    module = "refservices.pki.serve"
    health_path = "/healthz"

    def __init__(self, directory: str | Path, *, port: int | None = None) -> None:
        if port is None and (Path(directory) / STATE_FILE).exists():
            port = urlsplit(Pki(directory).url).port  # a PKI made earlier serves where its certificates say
        super().__init__(port=port or free_port())
        self.pki = Pki.setup(directory, url=self.url)

    def arguments(self) -> list[str]:
        return ["--dir", str(self.pki.directory)]


@contextmanager
def running_pki(directory: str | Path, port: int | None = None) -> Iterator[RunningPki]:
    """Set up (or reuse) the PKI in ``directory`` and serve it for the duration of the block."""
    server = RunningPki(directory, port=port)
    try:
        server.start()
        yield server
    finally:
        server.stop()
