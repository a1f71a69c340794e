"""``python -m refservices.pki.serve --dir DIR --port 8104`` (also ``python -m refservices.pki serve …``):
serve the test PKI's CRLs, OCSP and time stamps with gunicorn."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from . import Pki

DEFAULT_PORT = 8104


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-pki serve", description=__doc__)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_PKI_PORT", DEFAULT_PORT)))
    parser.add_argument("--threads", type=int, default=8)
    return parser.parse_args(argv)


class PkiServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python: loopback bind, one gthread worker."""

    def __init__(self, directory: str, options: dict[str, Any]) -> None:
        self.directory = directory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from .app import PkiApp

        return PkiApp(self.directory)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    print(
        f"motcua-pki: http://127.0.0.1:{args.port} ({Pki(args.dir).directory})", file=sys.stderr, flush=True
    )
    # Loopback only: a stand-in for a certification authority, never a public service.
    PkiServer(
        args.dir,
        {
            "bind": f"127.0.0.1:{args.port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": max(1, args.threads),
            "timeout": 120,
            "graceful_timeout": 2,
            "preload_app": True,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "motcua-pki",
        },
    ).run()


if __name__ == "__main__":
    main()
