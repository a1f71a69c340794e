"""bench/registry_prefill.py runs end to end (tiny numbers; benchmarks are never timed by tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_prefill_benchmark_prints_its_percentiles(registry_process):
    registry_process.start()
    registry_process.clear_faults()
    # Its own in-memory SQLite test database: never the one this test session uses.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MOTCUA_TEST_SQLITE")}
    env["MOTCUA_ENV"] = "test"
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "bench" / "registry_prefill.py"),
            "--lookups",
            "10",
            "--concurrency",
            "1,2",
            "--service-lookups",
            "2",
            "--url",
            registry_process.url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    adapter = [line for line in lines if line.startswith("adapter,")]
    assert len(adapter) == 2 and all("failures=0" in line and "p95=" in line for line in adapter)
    assert any(line.startswith("consent + lookup + audit row") and "n=     2" in line for line in lines)
