"""The outbox adapter of destination ``notifications``: a ``notify.applicant`` row becomes the messages the
applicant is told by (docs/integrations.md "Notifications").

Who is told, and where (the rule, and why):
- an applicant with an account (online, or a walk-in linked to their e-ID) gets the portal list entry always,
  and e-mail / SMS only to the addresses they confirmed with a code and chose on their account page: an
  address typed into one form is not proof that the citizen reads it;
- a walk-in applicant without an account gets e-mail / SMS at the contact the reception officer typed from
  them at the counter (in the dossier, printed on the receipt they signed): they have no account page on which
  to confirm anything, and Decree 61/2018/NĐ-CP (Art. 18, 19) has the agency inform them of supplements and
  delays in any case.

Idempotent per (outbox key, channel): a redelivered row finds its ``Notification`` rows and sends only what
was not sent. Outcomes: a transient failure of any channel → RETRY (the sent channels are not sent again);
every external channel refused permanently (invalid address or number) → REJECTED (a dead letter the operator
sees); anything else → DELIVERED. A row that makes no message (internal steps) is DELIVERED with nothing sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.notifications.channels import Outgoing, PermanentError, Sender, TransientError, senders_from
from motcua.notifications.constants import Channel, Kind, Status, kind_of
from motcua.notifications.models import ContactPreference, Notification
from motcua.notifications.rendering import Text, render
from motcua.outbox.adapters import Adapter, Outcome, Result

if TYPE_CHECKING:
    from motcua.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)


class NotificationsAdapter(Adapter):
    """Sends ``notify.applicant`` rows by the applicant's channels. OPTIONS: the ``MOTCUA_NOTIFICATIONS``
    settings (``EMAIL_HOST``…, ``SMS_URL``…)."""

    ordered = False  # messages are independent: one citizen's failing number never holds up another's
    batch_size = 20

    def __init__(self, destination: str, options: dict[str, Any]) -> None:
        super().__init__(destination, options)
        self.senders: dict[str, Sender] = senders_from(self.options)

    def deliver(self, messages: Sequence[OutboxMessage], *, worker: str) -> list[Result]:
        return [self._deliver_one(message) for message in messages]

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()

    # --- one row ------------------------------------------------------------------------------------------

    def _deliver_one(self, message: OutboxMessage) -> Result:
        payload = message.payload or {}
        kind = kind_of(
            event=str(payload.get("event", "")),
            action=str(payload.get("action", "")),
            state=str(payload.get("state", "")),
        )
        if kind is None:
            return Result(message_id=message.id, outcome=Outcome.DELIVERED)
        dossier = (
            Dossier.objects.select_related("applicant", "procedure", "competent_agency")
            .filter(code=payload.get("dossier_code", ""))
            .first()
        )
        if dossier is None:
            return Result(
                message.id, Outcome.REJECTED, error=f"unknown dossier {payload.get('dossier_code')!r}"
            )
        if (
            kind == Kind.RESULT_READY
            and (
                Notification.objects.filter(dossier=dossier, kind=Kind.RESULT_READY).exclude(
                    source_key=message.key
                )
            ).exists()
        ):
            return Result(
                message.id, Outcome.DELIVERED
            )  # told once already (workflow move, then the document)
        transient: list[str] = []
        refused: list[str] = []
        external = 0
        http_status: int | None = None
        for channel, address, language in _recipients(dossier, payload):
            row = self._row(
                message, dossier=dossier, kind=kind, channel=channel, address=address, language=language
            )
            if channel == Channel.PORTAL:
                continue
            external += 1
            if row.status in (Status.SENT, Status.DELIVERED):
                continue
            if row.status == Status.FAILED:
                refused.append(f"{channel}: {row.error}")
                continue
            error = self._send(row, message.key)
            if error is not None and error.http_status is not None:
                http_status = error.http_status
            if isinstance(error, TransientError):
                transient.append(f"{channel}: {error}")
            elif isinstance(error, PermanentError):
                refused.append(f"{channel}: {error}")
        if transient:
            return Result(
                message.id, Outcome.RETRY, error="; ".join(transient)[:2000], http_status=http_status
            )
        if external and len(refused) == external:
            return Result(
                message.id, Outcome.REJECTED, error="; ".join(refused)[:2000], http_status=http_status
            )
        return Result(message.id, Outcome.DELIVERED)

    def _row(
        self,
        message: OutboxMessage,
        *,
        dossier: Dossier,
        kind: Kind,
        channel: str,
        address: str,
        language: str,
    ) -> Notification:
        existing = Notification.objects.filter(source_key=message.key, channel=channel).first()
        if existing is not None:
            return existing
        text = _text(kind, language=language, dossier=dossier, payload=message.payload or {})
        now = timezone.now()
        portal = channel == Channel.PORTAL
        with transaction.atomic():
            row, _created = Notification.objects.get_or_create(
                source_key=message.key,
                channel=channel,
                defaults={
                    "province_code": dossier.province_code,
                    "dossier": dossier,
                    "citizen": dossier.applicant,
                    "kind": kind,
                    "language": language,
                    "address": address,
                    "subject": text.subject,
                    "body": text.sms if channel == Channel.SMS else text.body,
                    "status": Status.DELIVERED if portal else Status.PENDING,
                    "created_at": now,
                    "sent_at": now if portal else None,
                    "delivered_at": now if portal else None,
                },
            )
        return row

    def _send(self, row: Notification, key: str) -> TransientError | PermanentError | None:
        sender = self.senders.get(row.channel)
        if sender is None:
            error: TransientError | PermanentError = TransientError(f"no {row.channel} channel configured")
            Notification.objects.filter(pk=row.pk).update(error=str(error))
            return error
        try:
            provider_id = sender.send(
                Outgoing(
                    address=row.address, subject=row.subject, body=row.body, language=row.language, key=key
                )
            )
        except TransientError as exc:
            Notification.objects.filter(pk=row.pk).update(error=str(exc)[:2000])
            return exc
        except PermanentError as exc:
            logger.warning("notification %s refused by the %s provider: %s", row.pk, row.channel, exc)
            Notification.objects.filter(pk=row.pk).update(status=Status.FAILED, error=str(exc)[:2000])
            return exc
        Notification.objects.filter(pk=row.pk, status=Status.PENDING).update(
            status=Status.SENT, provider_id=provider_id[:100], sent_at=timezone.now(), error=""
        )
        return None


def _recipients(dossier: Dossier, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(channel, address, language) for each message this row makes (see the module's docstring)."""
    citizen = dossier.applicant
    if citizen is not None:
        preference = ContactPreference.objects.filter(citizen=citizen).first()
        language = preference.language if preference is not None else "vi"
        found = [(Channel.PORTAL.value, "", language)]
        if preference is not None:
            for channel in (Channel.EMAIL, Channel.SMS):
                address = preference.confirmed_address(channel)
                if address:
                    found.append((channel.value, address, language))
        return found
    found = []
    email = str(payload.get("email") or dossier.applicant_email or "").strip()
    phone = str(payload.get("phone") or dossier.applicant_phone or "").strip()
    if email:
        found.append((Channel.EMAIL.value, email, "vi"))
    if phone:
        found.append((Channel.SMS.value, phone, "vi"))
    return found


def _text(kind: Kind, *, language: str, dossier: Dossier, payload: dict[str, Any]) -> Text:
    base = settings.MOTCUA_PUBLIC_BASE_URL
    page = (
        reverse("portal:my_dossier", args=[dossier.code])
        if dossier.applicant_id
        else reverse("portal:lookup")
    )
    agency = dossier.competent_agency
    facts = {
        "dossier_code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure": dossier.procedure.name,
        "agency": agency.name if agency is not None else "",
        "reason": payload.get("reason", ""),
        "amount": payload.get("amount", ""),
        # A payment's transfer reference and, once paid, its receipt's series and number (dossiers/events.py).
        "reference": payload.get("reference", ""),
        "receipt": payload.get("receipt", ""),
        "appointment_at": payload.get("appointment_at"),
        "at": payload.get("at"),
        "link": f"{base}{page}",
    }
    return render(kind=kind, language=language, facts=facts)
