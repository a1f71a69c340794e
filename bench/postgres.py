"""Create or drop the PostgreSQL database ``make bench`` measures on (and the test database made from it).

Run: ``python bench/postgres.py create|drop postgres://user@host:port/name``. ``create`` drops any leftover of
the same name first; ``drop`` also drops ``test_<name>``, which the benchmarks built on bench/hue_world.py
create beside it, so that an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in {"create", "drop"}:
        raise SystemExit(__doc__)
    import psycopg
    from psycopg import sql

    action, url = sys.argv[1], sys.argv[2]
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"not a PostgreSQL database URL: {url}")
    server = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    try:
        connection = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is not reachable at {parts.netloc}: {error}") from None
    with connection:
        for database in (f"test_{name}", name):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
        if action == "create":
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"{action}: {name} on {parts.hostname}:{parts.port or 5432}")


if __name__ == "__main__":
    main()
