"""``motcua-sms --port 8107``: the reference SMS gateway (refservices.sms.app)."""

from __future__ import annotations

import argparse
import os

from aiohttp import web

from .app import DEFAULT_API_KEY, DEFAULT_CALLBACK_SECRET, create_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-sms", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_SMS_PORT", "8107")))
    parser.add_argument("--api-key", default=os.environ.get("MOTCUA_SMS_API_KEY") or DEFAULT_API_KEY)
    parser.add_argument(
        "--callback-secret",
        default=os.environ.get("MOTCUA_SMS_CALLBACK_SECRET") or DEFAULT_CALLBACK_SECRET,
        help="HMAC-SHA256 secret of the signed delivery receipts",
    )
    parser.add_argument(
        "--receipt-delay", type=float, default=0.05, help="seconds before the receipt is sent"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app(
        api_key=args.api_key, callback_secret=args.callback_secret, receipt_delay=args.receipt_delay
    )
    # Loopback only: a stand-in for an operator's SMS API, never a public service.
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
