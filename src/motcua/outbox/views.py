"""``/metrics``: the outbox queues in the Prometheus text format (docs/integrations.md "Delivery").

Who may read: a signed-in staff member who passed the second factor and may view outbox messages (or a
superuser), or a scraper sending ``Authorization: Bearer <MOTCUA_METRICS_TOKEN>``. Anyone else gets 403.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from motcua.outbox import selectors
from motcua.outbox.selectors import DestinationStats


class OutboxCollector:
    """Built per request from ``selectors.queue_stats`` (a fixed number of queries)."""

    def __init__(self, stats: list[DestinationStats]) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        labels = ["destination"]
        families: list[tuple[Metric, str]] = [
            (
                GaugeMetricFamily("motcua_outbox_queue_depth", "Pending messages.", labels=labels),
                "depth",
            ),
            (
                GaugeMetricFamily(
                    "motcua_outbox_oldest_pending_age_seconds",
                    "Age of the oldest pending message (0 when none).",
                    labels=labels,
                ),
                "oldest_pending_age_seconds",
            ),
            (
                CounterMetricFamily("motcua_outbox_delivered", "Messages delivered.", labels=labels),
                "delivered",
            ),
            (
                CounterMetricFamily(
                    "motcua_outbox_failures", "Failed attempts (retried or rejected).", labels=labels
                ),
                "failures",
            ),
            (
                CounterMetricFamily(
                    "motcua_outbox_redeliveries",
                    "Messages sent again with the same key (expired claims, duplicates).",
                    labels=labels,
                ),
                "redeliveries",
            ),
            (
                GaugeMetricFamily("motcua_outbox_dead_letters", "Dead letters now.", labels=labels),
                "dead",
            ),
            (
                GaugeMetricFamily(
                    "motcua_outbox_blocked_streams", "Streams whose head is a dead letter.", labels=labels
                ),
                "blocked_streams",
            ),
        ]
        for family, attribute in families:
            for line in self.stats:
                family.add_metric([line.destination], getattr(line, attribute))  # type: ignore[attr-defined]
            yield family


def _allowed(request: HttpRequest) -> bool:
    token = settings.MOTCUA_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, given = header.partition(" ")
        return (
            bool(token)
            and scheme.lower() == "bearer"
            and hmac.compare_digest(given.strip().encode(), token.encode())
        )
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_staff
        and getattr(user, "is_verified", lambda: False)()
        and (user.is_superuser or user.has_perm("integrations.view_outboxmessage"))
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("403 Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector(selectors.queue_stats()))  # type: ignore[arg-type]
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
