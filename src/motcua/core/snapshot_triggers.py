"""The database triggers that keep ``core_snapshotversion`` in step with the tables of each snapshot domain.

Every table whose name starts with a domain's prefix (``org_``, ``catalog_``, ``workcalendar_``, ``geo_``)
carries triggers that draw a new random token for its domain on INSERT, UPDATE and DELETE (and TRUNCATE on
PostgreSQL), in the writer's own transaction: ``save()``, ``bulk_create``, ``update()``, ``delete()``, raw
SQL and other programs all invalidate. A rolled-back transaction leaves the committed token unchanged, and
since tokens are random, never a counter, no later transaction can draw the token it used.

SQLite has only row triggers (one upsert per changed row: cheap, and these tables change rarely);
PostgreSQL gets one statement trigger per table. The account table carries one more, for ``is_active``
only: who holds a position depends on it, its other columns (``last_login``) change on every log-in.

``install`` is idempotent: migration ``core 0001`` runs it, and ``post_migrate`` runs it again so that a
table added later, or rebuilt by SQLite's ``ALTER TABLE`` emulation (which drops its triggers), is covered.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.backends.base.base import BaseDatabaseWrapper

# Table name prefix (the app label and its underscore) -> the snapshot domain it belongs to.
PREFIXES = {"org_": "org", "catalog_": "catalog", "workcalendar_": "calendar", "geo_": "geo"}
# Who holds a position depends on the account being active (``org.selectors.positions_valid_on``).
ACCOUNT_TABLE, ACCOUNT_COLUMN, ACCOUNT_DOMAIN = "accounts_user", "is_active", "org"

VERSION_TABLE = "core_snapshotversion"
TRIGGER = "snapshot_version"  # PostgreSQL trigger names are per table; SQLite's get the table's name
FUNCTION = "core_snapshot_bump"

_SQLITE_TOKEN = "lower(hex(randomblob(16)))"
_POSTGRES_TOKEN = "md5(gen_random_uuid()::text)"


def _upsert(domain: str, token: str) -> str:
    return (
        f"INSERT INTO {VERSION_TABLE} (domain, token) VALUES ({domain}, {token}) "
        "ON CONFLICT (domain) DO UPDATE SET token = excluded.token"
    )


def domain_of(table: str) -> str | None:
    """The snapshot domain of ``table``, or None when it belongs to none."""
    return next((domain for prefix, domain in PREFIXES.items() if table.startswith(prefix)), None)


def domain_tables(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Every table of the database that belongs to a domain -> that domain."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return {name: domain for name in names if (domain := domain_of(name)) is not None}


def _sqlite_statements(table: str, domain: str) -> list[str]:
    upsert = _upsert(f"'{domain}'", _SQLITE_TOKEN)
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}_{table}_{event.lower()}" AFTER {event} ON "{table}" '
        f"BEGIN {upsert}; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def _postgres_statements(table: str, domain: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
        f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{domain}')",
    ]


def _account_statements(vendor: str) -> list[str]:
    changed = (
        f"OLD.{ACCOUNT_COLUMN} IS {'DISTINCT FROM' if vendor == 'postgresql' else 'NOT'} NEW.{ACCOUNT_COLUMN}"
    )
    if vendor == "sqlite":
        upsert = _upsert(f"'{ACCOUNT_DOMAIN}'", _SQLITE_TOKEN)
        name = f"{TRIGGER}_{ACCOUNT_TABLE}_update"
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{name}" AFTER UPDATE OF {ACCOUNT_COLUMN} ON "{ACCOUNT_TABLE}" '
            f"FOR EACH ROW WHEN {changed} BEGIN {upsert}; END"
        ]
    return [
        f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{ACCOUNT_TABLE}"',
        f'CREATE TRIGGER {TRIGGER} AFTER UPDATE OF {ACCOUNT_COLUMN} ON "{ACCOUNT_TABLE}" FOR EACH ROW '
        f"WHEN ({changed}) EXECUTE FUNCTION {FUNCTION}('{ACCOUNT_DOMAIN}')",
    ]


def _postgres_function() -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_upsert('TG_ARGV[0]', _POSTGRES_TOKEN)}; RETURN NULL; END $$"
    )


def install_statements(vendor: str, tables: Iterable[tuple[str, str]], *, account: bool) -> list[str]:
    """The SQL that (re)creates the triggers of ``tables`` ((table, domain) pairs) on ``vendor``."""
    if vendor == "sqlite":
        statements = [sql for table, domain in tables for sql in _sqlite_statements(table, domain)]
    elif vendor == "postgresql":
        statements = [_postgres_function()]
        statements += [sql for table, domain in tables for sql in _postgres_statements(table, domain)]
    else:
        raise NotImplementedError(f"snapshot triggers for {vendor}")
    return statements + (_account_statements(vendor) if account else [])


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the missing triggers on every table of every domain (and on the account table)."""
    existing = triggered_tables(connection)
    missing = {
        table: domain
        for table, domain in domain_tables(connection).items()
        if existing.get(table, set()) < {"insert", "update", "delete"}
    }
    with connection.cursor() as cursor:
        account = ACCOUNT_TABLE in connection.introspection.table_names(cursor)
        account = account and ACCOUNT_TABLE not in existing
        if not missing and not account:
            return
        for sql in install_statements(connection.vendor, sorted(missing.items()), account=account):
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop every snapshot trigger (the reverse of migration ``core 0001``)."""
    tables = [*domain_tables(connection), ACCOUNT_TABLE]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{TRIGGER}_{table}_{event}"')
            else:
                cursor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"')
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def bump_all(connection: BaseDatabaseWrapper, domains: Iterable[str]) -> None:
    """Draw a new token for every domain (after migrations: a data migration may have run while a table
    was being rebuilt without its triggers)."""
    token = _SQLITE_TOKEN if connection.vendor == "sqlite" else _POSTGRES_TOKEN
    with connection.cursor() as cursor:
        for domain in domains:
            cursor.execute(_upsert("%s", token), [domain])


def triggered_tables(connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    """Table -> the events its snapshot triggers fire on (``insert``, ``update``, ``delete``), read from the
    database's catalog (for the test that no table of a domain is forgotten)."""
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{TRIGGER}_%"],
            )
            for table, name in cursor.fetchall():
                found.setdefault(table, set()).add(name.rsplit("_", 1)[1])
        else:
            cursor.execute(
                "SELECT event_object_table, lower(event_manipulation) FROM information_schema.triggers "
                "WHERE trigger_name = %s AND trigger_schema = current_schema()",
                [TRIGGER],
            )
            for table, event in cursor.fetchall():
                found.setdefault(table, set()).add(event)
    return found
