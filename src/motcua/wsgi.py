"""WSGI entry point (gunicorn `motcua.wsgi:application`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # import every view module now rather than on the first request  # noqa: B018
# What is loaded now lives as long as the process: moved out of the collector's sight, a full collection no
# longer walks its ~165,000 objects (about 150 ms of CPU, every few hundred requests) in the middle of one.
gc.freeze()
