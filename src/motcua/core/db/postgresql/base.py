"""Django's PostgreSQL backend whose per-request health check costs no round trip when the socket is quiet.

With persistent connections (``CONN_MAX_AGE``) and ``CONN_HEALTH_CHECKS = True`` Django checks a reused
connection before the first query of each request, so that one the server closed in the meantime (a
restart, ``pg_terminate_backend``, ``idle_session_timeout``) is replaced "without failing the request"
(https://docs.djangoproject.com/en/5.2/ref/settings/#conn-health-checks,
https://docs.djangoproject.com/en/5.2/ref/databases/#database-health-checks). Its check, ``is_usable()``,
sends ``SELECT 1``: one more round trip per page, outside the cursor wrapper (query counts do not see it),
2–20 % of a page's wall time (py-spy, issue 13).

A server that ends a session writes an error message (``FATAL: terminating connection…``) and/or closes
its end (EOF), while a live server sends nothing to an idle session unprompted. So the check first asks the
kernel, without waiting, whether the connection's socket has anything to read: nothing → the connection is
used as it is; something (or a transaction in a failed or unknown state, or a socket that cannot be polled)
→ Django's full check runs, and the connection is closed when it fails, as before; libpq already knowing
the connection closed → closed at once. Readable is not always dead: a pending ``NOTIFY``, a notice or a
parameter change also wake the socket, and then the full check runs — correct, only not cheaper.
``is_usable()`` itself (run after errors by ``close_if_unusable_or_obsolete``) stays Django's ``SELECT 1``.

What neither check catches quickly is a peer that vanished silently (host power loss, a firewall dropping
an idle flow): nothing arrives, and ``SELECT 1`` would hang as long as the first real query does. TCP
keepalives (libpq's ``keepalives_idle`` in ``OPTIONS``) turn that into a socket error, which the poll
below reports.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq

# Between two statements of a synchronous client a session is idle, in or out of a transaction; anything else
# (a failed transaction, a statement still running, an unknown state) gets the full check.
_QUIET_STATES = frozenset({pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS})


def _readable(fd: int) -> bool:
    """Whether the socket has a message, EOF or an error waiting, without blocking."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))  # POLLERR, POLLHUP and POLLNVAL are reported unasked
    readable, _, failed = select.select([fd], [], [fd], 0)
    return bool(readable or failed)


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_enabled: bool  # set by Django's BaseDatabaseWrapper (not in django-stubs)
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        """Django's check (close a connection that is no longer usable), asking the server only when the
        connection's socket is not quiet."""
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return  # a pool hands out checked connections; Django's own conditions otherwise
        state = self._socket_state()
        if state == "broken" or (state == "unsure" and not self.is_usable()):
            self.close()
        self.health_check_done = True

    def _socket_state(self) -> str:
        """``"quiet"`` (usable without a round trip), ``"broken"`` (libpq already knows it is closed) or
        ``"unsure"`` (ask the server)."""
        try:
            pgconn = self.connection.pgconn
            if pgconn.status != pq.ConnStatus.OK:
                return "broken"
            if pgconn.transaction_status not in _QUIET_STATES or _readable(pgconn.socket):
                return "unsure"
        except Exception:  # any failure to look is a reason to ask, never an error for the request
            return "unsure"
        return "quiet"
