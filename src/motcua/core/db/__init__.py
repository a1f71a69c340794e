"""Database backends of motcua (Django finds one by ``ENGINE``, the package holding its ``base.py``)."""
