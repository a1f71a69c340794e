"""``python -m refservices.registries --port 8103``: serve the reference registries with gunicorn."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from .app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_CONTROL_SECRET, Config, create_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-registries", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_REGISTRIES_PORT", "8103")))
    parser.add_argument(
        "--client-id", default=os.environ.get("MOTCUA_REGISTRIES_CLIENT_ID") or DEFAULT_CLIENT_ID
    )
    parser.add_argument(
        "--client-secret", default=os.environ.get("MOTCUA_REGISTRIES_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET
    )
    parser.add_argument(
        "--control-secret",
        default=os.environ.get("MOTCUA_REGISTRIES_CONTROL_SECRET") or DEFAULT_CONTROL_SECRET,
        help="secret of the test controls (/_control/...)",
    )
    parser.add_argument(
        "--threads", type=int, default=16, help="threads of the one worker (fault switches live in it)"
    )
    parser.add_argument(
        "--list",
        type=int,
        metavar="N",
        default=0,
        help="print the documented example identifiers and N people",
    )
    return parser.parse_args(argv)


class RegistryServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python: loopback bind, one gthread worker."""

    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self.registry_config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.registry_config)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.list:
        from . import records

        for case, identifier in records.examples().items():
            print(f"{case}\t{identifier}")
        for n in range(args.list):
            print(f"person {n}\t{records.person_id(n)}")
        return
    config = Config(
        client_id=args.client_id, client_secret=args.client_secret, control_secret=args.control_secret
    )
    print(
        f"motcua-registries: http://127.0.0.1:{args.port} (client {args.client_id})",
        file=sys.stderr,
        flush=True,
    )
    # Loopback only: a stand-in for the national registries, never a public service.
    RegistryServer(
        config,
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
            "proc_name": "motcua-registries",
        },
    ).run()


if __name__ == "__main__":
    main()
