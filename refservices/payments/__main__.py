"""``python -m refservices.payments --port 8108``: serve the reference payment gateway with gunicorn."""

from __future__ import annotations

import argparse
import functools
import os
import sys

from ..wsgi_server import serve
from .app import DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET, DEFAULT_CONTROL_SECRET, Config, create_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-payments", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_PAYMENTS_PORT", "8108")))
    parser.add_argument("--api-key", default=os.environ.get("MOTCUA_PAYMENTS_API_KEY") or DEFAULT_API_KEY)
    parser.add_argument(
        "--callback-secret",
        default=os.environ.get("MOTCUA_PAYMENTS_CALLBACK_SECRET") or DEFAULT_CALLBACK_SECRET,
    )
    parser.add_argument(
        "--control-secret", default=os.environ.get("MOTCUA_PAYMENTS_CONTROL_SECRET") or DEFAULT_CONTROL_SECRET
    )
    parser.add_argument(
        "--callback-url",
        default=os.environ.get("MOTCUA_PAYMENTS_CALLBACK_URL", "http://127.0.0.1:8000/thanh-toan/thong-bao/"),
        help="where transfers are reported (empty: kept for /_control/callbacks only)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = Config(
        api_key=args.api_key,
        callback_secret=args.callback_secret,
        control_secret=args.control_secret,
        callback_url=args.callback_url,
    )
    print(f"motcua-payments: http://127.0.0.1:{args.port} → {args.callback_url}", file=sys.stderr, flush=True)
    # One gthread worker: orders and callbacks live in it.
    serve(
        functools.partial(create_app, config),
        name="motcua-payments",
        port=args.port,
        threads=8,
        worker_class="gthread",
        graceful_timeout=2,
    )


if __name__ == "__main__":
    main()
