"""Building blocks shared by the domain apps."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> ValidityQuerySet:
        """Rows in force on ``day``: valid_from <= day < valid_to (valid_to is exclusive)."""
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Validity(models.Model):
    """A validity period: from ``valid_from`` (inclusive) to ``valid_to`` (exclusive, open when null)."""

    valid_from = models.DateField(_("hiệu lực từ"), db_index=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True, db_index=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class SnapshotVersion(models.Model):
    """The current token of one domain of rarely changing data (org, catalog, calendar, geo): database
    triggers on every table of the domain draw a new random token whenever a row changes, in the writer's
    transaction (``core.snapshot_triggers``); each process compares it with the token of its in-memory
    snapshot (``core.snapshots``) and recomputes when they differ."""

    domain = models.CharField(max_length=16, primary_key=True)
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("phiên bản dữ liệu dùng chung")
        verbose_name_plural = _("phiên bản dữ liệu dùng chung")

    def __str__(self) -> str:
        return f"{self.domain}: {self.token}"
