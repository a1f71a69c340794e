"""``python -m refservices.national_portal --port 8102``: serve the reference portal with gunicorn."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from ..wsgi_server import serve
from .app import DEFAULT_PASSWORD, DEFAULT_PROVINCE, DEFAULT_USERNAME, Config, create_app
from .store import Store


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-national-portal", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("MOTCUA_NATIONAL_PORTAL_PORT", "8102"))
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("MOTCUA_VAR_DIR", Path.cwd() / "var")) / "national-portal",
        help="where the SQLite file lives (default: $MOTCUA_VAR_DIR/national-portal)",
    )
    parser.add_argument(
        "--username",
        default=os.environ.get("MOTCUA_NATIONAL_PORTAL_USERNAME") or DEFAULT_USERNAME,
        help="the one API account (motcua's)",
    )
    parser.add_argument(
        "--password", default=os.environ.get("MOTCUA_NATIONAL_PORTAL_PASSWORD") or DEFAULT_PASSWORD
    )
    parser.add_argument("--province", default=DEFAULT_PROVINCE, help="province code of submissions made here")
    parser.add_argument("--session-ttl", type=float, default=900, help="API session lifetime in seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (sync)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (more than 1: gunicorn's gthread worker)"
    )
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn worker timeout in seconds")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = Config(
        state_dir=args.state_dir.resolve(),
        username=args.username,
        password=args.password,
        province=args.province,
        session_ttl=args.session_ttl,
    )
    Store(config.state_dir / "national-portal.sqlite3")  # create the schema before the workers start
    print(
        f"motcua-national-portal: http://127.0.0.1:{args.port}"
        f" (account {args.username}, province {args.province})",
        file=sys.stderr,
        flush=True,
    )
    # Loopback only: this is a stand-in for the national portal, never a public service.
    serve(
        functools.partial(create_app, config),
        name="motcua-national-portal",
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        timeout=args.timeout,
    )


if __name__ == "__main__":
    main()
