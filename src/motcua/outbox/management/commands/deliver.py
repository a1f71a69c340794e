"""`motcua deliver`: the outbox delivery worker (motcua.outbox.dispatcher; docs/integrations.md)."""

from __future__ import annotations

import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.outbox import registry
from motcua.outbox.dispatcher import DeliveryLoop, new_worker_id

logger = logging.getLogger("motcua.outbox")


class Command(BaseCommand):
    help = (
        "Deliver pending outbox messages through the configured adapters and run their periodic jobs "
        "under leases. SIGTERM/SIGINT stop after the current batch."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Deliver until nothing is deliverable now, then exit."
        )
        parser.add_argument("--worker-id", default="", help="Name of this worker (default: host:pid:random).")
        parser.add_argument(
            "--destination",
            action="append",
            default=[],
            help="Deliver only this destination (repeatable; default: every configured one).",
        )
        parser.add_argument("--max-seconds", type=float, default=None, help="Exit after this many seconds.")
        parser.add_argument("--max-messages", type=int, default=None, help="Exit after claiming this many.")

    def handle(self, *args: Any, **options: Any) -> None:
        configured = registry.configured_destinations()
        unknown = sorted(set(options["destination"]) - set(configured))
        if unknown:
            raise CommandError(
                f"no adapter configured for {', '.join(unknown)} (MOTCUA_OUTBOX_ADAPTERS has: "
                f"{', '.join(configured) or 'none'})"
            )
        if options["max_messages"] is not None and options["max_messages"] < 1:
            raise CommandError("--max-messages must be at least 1")
        if options["max_seconds"] is not None and not options["max_seconds"] > 0:
            raise CommandError("--max-seconds must be more than 0")
        worker = (options["worker_id"] or new_worker_id())[:100]
        loop = DeliveryLoop(
            worker=worker,
            destinations=options["destination"] or configured,
            once=options["once"],
            max_seconds=options["max_seconds"],
            max_messages=options["max_messages"],
        )

        def stop(signum: int, frame: object) -> None:
            logger.info(
                "%s: %s received, stopping after the current batch", worker, signal.Signals(signum).name
            )
            loop.stop()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        logger.info(
            "%s: delivering %s", worker, ", ".join(loop.destinations) or "nothing (no adapter configured)"
        )
        try:
            totals = loop.run()
        finally:
            registry.reset()  # closes the adapters' connections and sessions
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(
            f"{worker}: {totals.claimed} claimed, {totals.delivered} delivered, "
            f"{totals.duplicates} duplicates, {totals.retried} retried, {totals.dead} dead, "
            f"{totals.stale} stale"
        )
