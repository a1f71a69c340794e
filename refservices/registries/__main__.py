"""``python -m refservices.registries --port 8103``: serve the reference registries with gunicorn."""

from __future__ import annotations

import argparse
import functools
import os
import sys

from ..wsgi_server import serve
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
    # Loopback only: a stand-in for the national registries, never a public service. One gthread worker:
    # the fault switches of the test controls live in it.
    serve(
        functools.partial(create_app, config),
        name="motcua-registries",
        port=args.port,
        threads=max(1, args.threads),
        worker_class="gthread",
        graceful_timeout=2,
    )


if __name__ == "__main__":
    main()
