"""``python -m refservices.idp --port 8101``: serve the reference identity provider on 127.0.0.1."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from werkzeug.serving import make_server

from .app import Client, Config, create_app

DEFAULT_CLIENT_ID = "motcua-portal"
DEFAULT_CLIENT_SECRET = "motcua-portal-demo-secret"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua-idp", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_IDP_PORT", "8101")))
    parser.add_argument("--issuer", default=None, help="issuer URL (default: http://127.0.0.1:PORT)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("MOTCUA_VAR_DIR", Path.cwd() / "var")) / "idp",
        help="where the signing key and the SQLite file live (default: var/idp)",
    )
    parser.add_argument("--client-id", default=os.environ.get("MOTCUA_OIDC_CLIENT_ID", DEFAULT_CLIENT_ID))
    parser.add_argument(
        "--client-secret", default=os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
    )
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="an extra exact redirect URI (loopback ones to /dich-vu-cong/dang-nhap/xong/ are always OK)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="idp %(levelname)s %(message)s")
    # Loopback only: this is a stand-in for the national e-ID, never a public service.
    issuer = args.issuer or f"http://127.0.0.1:{args.port}"
    app = create_app(
        Config(
            issuer=issuer,
            state_dir=args.state_dir.resolve(),
            clients=(
                Client(
                    client_id=args.client_id,
                    client_secret=args.client_secret,
                    redirect_uris=tuple(args.redirect_uri),
                ),
            ),
        )
    )
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"motcua-idp: {issuer} (client {args.client_id})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
