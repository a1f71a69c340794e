"""gunicorn run from Python for the reference services that serve with it (the national portal, the
registries): the WSGI app built once in the master (``preload_app``), bound to 127.0.0.1 only, since a
reference service is a stand-in for a national system, never a public service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


class LoopbackServer(BaseApplication):  # type: ignore[misc]
    """A gunicorn application whose settings are given as a dict (gunicorn's own names) and whose WSGI app
    is made by ``load``."""

    def __init__(self, load: Callable[[], Any], options: dict[str, Any]) -> None:
        self.make_app = load
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.make_app()


def serve(
    load: Callable[[], Any],
    *,
    name: str,
    port: int,
    workers: int = 1,
    threads: int = 1,
    worker_class: str | None = None,
    timeout: int = 120,
    graceful_timeout: int = 5,
) -> None:
    """Serve the app ``load`` makes on 127.0.0.1:``port`` until stopped; ``name`` is the process title.
    The worker class is gthread when ``threads`` > 1 and sync otherwise, unless named. Errors go to
    standard error at warning level; no access log."""
    LoopbackServer(
        load,
        {
            "bind": f"127.0.0.1:{port}",
            "workers": workers,
            "worker_class": worker_class or ("gthread" if threads > 1 else "sync"),
            "threads": threads,
            "timeout": timeout,
            "graceful_timeout": graceful_timeout,
            "preload_app": True,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": name,
        },
    ).run()
