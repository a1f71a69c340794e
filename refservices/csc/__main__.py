"""``python -m refservices.csc --port 8105 --pki-dir DIR``: serve the reference CSC remote-signing peer
over the test PKI in DIR (made by ``python -m refservices.pki setup``)."""

from __future__ import annotations

import argparse
import os

from aiohttp import web

from .app import DEFAULT_ACCESS_TOKEN, DEFAULT_PASSWORD, DEFAULT_USERNAME, create_app

DEFAULT_PORT = 8105


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-csc", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_CSC_PORT", DEFAULT_PORT)))
    parser.add_argument("--pki-dir", required=True, help="the test PKI directory (refservices.pki)")
    parser.add_argument("--access-token", default=os.environ.get("MOTCUA_CSC_TOKEN") or DEFAULT_ACCESS_TOKEN)
    parser.add_argument("--username", default=os.environ.get("MOTCUA_CSC_USERNAME") or DEFAULT_USERNAME)
    parser.add_argument("--password", default=os.environ.get("MOTCUA_CSC_PASSWORD") or DEFAULT_PASSWORD)
    parser.add_argument(
        "--no-hash-pinning",
        action="store_true",
        help="SCAL 1: signature activation data not bound to the hashes (default SCAL 2)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = create_app(
        args.pki_dir,
        access_token=args.access_token,
        username=args.username,
        password=args.password,
        hash_pinning=not args.no_hash_pinning,
    )
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
