"""``motcua-postal --port 8109``: serve the reference postal service (one gunicorn worker, threads)."""

from __future__ import annotations

import argparse
import functools
import os
import sys

from ..wsgi_server import serve
from .app import DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET, Config, create_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-postal", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_POSTAL_PORT", "8109")))
    parser.add_argument("--api-key", default=os.environ.get("MOTCUA_POSTAL_API_KEY") or DEFAULT_API_KEY)
    parser.add_argument(
        "--callback-secret",
        default=os.environ.get("MOTCUA_POSTAL_CALLBACK_SECRET") or DEFAULT_CALLBACK_SECRET,
        help="the HMAC-SHA256 key of the status callbacks",
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads of the one worker (state is in memory)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = Config(api_key=args.api_key, callback_secret=args.callback_secret)
    print(f"motcua-postal: http://127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    # Loopback only, one worker: the shipments live in this process's memory.
    serve(
        functools.partial(create_app, config),
        name="motcua-postal",
        port=args.port,
        workers=1,
        threads=max(2, args.threads),
    )


if __name__ == "__main__":
    main()
