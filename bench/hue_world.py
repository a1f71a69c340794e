"""The throw-away database the benchmarks measure on: Huế's geography, demo organization, sample catalog.

A benchmark is run as ``python bench/<name>.py``, so this module is importable as ``hue_world``. The database
is Django's test database for the configured ``DATABASE_URL`` (SQLite: ``MOTCUA_TEST_SQLITE`` or a file
under var/), created before and dropped after, whatever happens in between.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def hue_database() -> Iterator[float]:
    """Create the test database, load Huế into it and yield the moment (``time.perf_counter``) the load
    started, so the benchmark can report its own set-up time; drop the database afterwards."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from motcua.catalog.services import import_sample_catalog
        from motcua.geo.services import load_units
        from motcua.org.demo import generate_demo_organization

        started = time.perf_counter()
        load_units(provinces=["46"])
        generate_demo_organization(province_code="46")
        import_sample_catalog()
        yield started
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
