"""The test PKI's command line (``motcua-pki``):

- ``setup --dir DIR [--port 8104 | --url URL]``: make a test PKI with new keys (kept if already there);
- ``serve --dir DIR --port 8104``: serve its CRLs, OCSP and time stamps;
- ``issue --dir DIR signer|seal NAME [--organization ORG]``: issue a certificate and its PKCS#12 file."""

from __future__ import annotations

import argparse
import os
import sys

from . import KINDS, Pki
from .serve import DEFAULT_PORT


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        from . import serve

        serve.main(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="motcua-pki", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="generate the keys and CA certificates (kept if present)")
    setup.add_argument("--dir", required=True)
    setup.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_PKI_PORT", DEFAULT_PORT)))
    setup.add_argument("--url", default="", help="base URL of the served PKI (default http://127.0.0.1:PORT)")
    commands.add_parser("serve", help="serve CRLs, OCSP and time stamps (--dir DIR --port N)")
    issue = commands.add_parser("issue", help="issue an end-entity certificate and its PKCS#12 file")
    issue.add_argument("--dir", required=True)
    issue.add_argument("kind", choices=KINDS)
    issue.add_argument("name")
    issue.add_argument("--organization", default="")
    args = parser.parse_args(argv)
    if args.command == "setup":
        pki = Pki.setup(args.dir, url=args.url or f"http://127.0.0.1:{args.port}")
        print(f"test PKI in {pki.directory}: trust root {pki.root_pem_path}, time stamps {pki.timestamp_url}")
    elif args.command == "issue":
        issued = Pki(args.dir).issue(args.kind, args.name, organization=args.organization)
        print(f"{issued.pkcs12_path}\tserial {issued.serial}")


if __name__ == "__main__":
    main()
