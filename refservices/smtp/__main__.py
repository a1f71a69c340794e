"""``motcua-smtp --smtp-port 8025 --http-port 8106``: a local SMTP server that keeps what it receives
and serves it on an HTTP read API (refservices.smtp.app)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from functools import partial

from aiohttp import web
from aiosmtpd.smtp import SMTP

from .app import Handler, Mailbox, create_http_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-smtp", description=__doc__)
    parser.add_argument(
        "--smtp-port", type=int, default=int(os.environ.get("MOTCUA_SMTP_PORT", "8025")), help="SMTP port"
    )
    parser.add_argument(
        "--http-port",
        "--port",
        dest="http_port",
        type=int,
        default=int(os.environ.get("MOTCUA_SMTP_HTTP_PORT", "8106")),
        help="port of the HTTP read API",
    )
    return parser.parse_args(argv)


async def serve(smtp_port: int, http_port: int) -> None:
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    # Loopback only; no AUTH, no TLS: a stand-in for the agency's relay, never a public mail server.
    smtp_server = await loop.create_server(
        partial(SMTP, Handler(mailbox), hostname="motcua-smtp.localhost", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=smtp_port,
    )
    runner = web.AppRunner(create_http_app(mailbox), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", http_port).start()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    print(
        f"motcua-smtp: smtp://127.0.0.1:{smtp_port}, http://127.0.0.1:{http_port}",
        file=sys.stderr,
        flush=True,
    )
    try:
        await stop.wait()
    finally:
        smtp_server.close()
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    asyncio.run(serve(args.smtp_port, args.http_port))


if __name__ == "__main__":
    main()
