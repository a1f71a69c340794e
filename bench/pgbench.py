"""bench/raw_reception.sql run by pgbench: the raw PostgreSQL transaction of the same shape as the counter's
reception + accept (the same writes in plain SQL), the measure that bench/http_pages.py and
bench/profile_writes.py compare the services to."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

RAW_SQL = Path(__file__).resolve().parent / "raw_reception.sql"


def raw_reception(url: str, *, clients: int, seconds: int) -> float | None:
    """Transactions per second of bench/raw_reception.sql with ``clients`` clients (one thread each) for
    ``seconds`` against the database at ``url``; None, with a note, when pgbench is not installed. A failed
    run or a failed transaction stops the benchmark."""
    found = shutil.which("pgbench")
    if found is None:
        print(
            "pgbench not found: install Debian's postgresql-client (or postgresql-contrib); raw SQL skipped"
        )
        return None
    command = [
        found,
        "-n",
        "-f",
        str(RAW_SQL),
        "-c",
        str(clients),
        "-j",
        str(clients),
        "-T",
        str(seconds),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    if done.returncode != 0 or tps is None:
        raise SystemExit(f"pgbench failed:\n{done.stdout}\n{done.stderr}")
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if failed and int(failed.group(1)):
        raise SystemExit(f"pgbench: failed transactions:\n{done.stdout}")
    return float(tps.group(1))
