"""PostgreSQL through psycopg 3, with a health check that needs no round trip (``base.py``)."""
