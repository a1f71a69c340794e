"""Benchmark: national geography load (first and second run) and address normalization throughput.

Run: MOTCUA_ENV=test DATABASE_URL=sqlite:////tmp/bench-geo.sqlite3 .venv/bin/python bench/geo_load.py
(the database is migrated first; use a throwaway database).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from motcua.geo.selectors import normalize_address  # noqa: E402
from motcua.geo.services import load_units  # noqa: E402

ADDRESSES = [
    "Phường Phú Hội, TP Huế, Thừa Thiên Huế",
    "phuong phu hoi thanh pho hue",
    "Xã Phú Vang, Thành phố Huế",
    "123 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh",
    "P.1, Q.3, TP.HCM",
    "Thôn 3, xã Phú Hồ, huyện Phú Vang, tỉnh Thừa Thiên Huế",
    "asdf qwer",
]


def main() -> None:
    call_command("migrate", verbosity=0)
    for label in ("first load", "second load"):
        started = time.perf_counter()
        counts = load_units()
        print(f"{label}: {time.perf_counter() - started:.2f} s {counts}")
    normalize_address(ADDRESSES[0])  # builds the index
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for address in ADDRESSES:
            normalize_address(address)
    elapsed = time.perf_counter() - started
    print(f"normalize_address: {rounds * len(ADDRESSES) / elapsed:.0f} addresses/s")


if __name__ == "__main__":
    main()
