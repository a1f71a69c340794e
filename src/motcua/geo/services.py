"""Loading administrative units and their 2025 successions into the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.geo import sources
from motcua.geo.models import AdministrativeUnit, UnitSuccession

_UNIT_FIELDS = (
    "name",
    "short_name",
    "search_key",
    "aliases",
    "source",
    "level",
    "unit_type",
    "parent_id",
    "province_code",
    "valid_to",
)
_BATCH = 1000


def _noop(message: str) -> None:
    return None


def _select(
    dataset: sources.Dataset, provinces: list[str] | None
) -> tuple[list[sources.UnitRecord], set[str]]:
    """Units in scope: the chosen 2025 provinces and every legacy province merged (even partly) into one."""
    if provinces is None:
        return dataset.units, set()
    wanted = {code.zfill(2) for code in provinces}
    known = {unit.code for unit in dataset.units if unit.period == sources.NEW and unit.level == "province"}
    unknown = wanted - known
    if unknown:
        raise DomainError(
            "geo.unknown_province",
            _("Không có tỉnh, thành phố mã %(codes)s."),
            codes=", ".join(sorted(unknown)),
        )
    legacy = {old for old, new in dataset.province_successors.items() if wanted & set(new)}
    chosen = [
        unit
        for unit in dataset.units
        if (unit.period == sources.NEW and unit.province_code in wanted)
        or (unit.period == sources.LEGACY and unit.province_code in legacy)
    ]
    return chosen, legacy


def _upsert_units(
    records: list[sources.UnitRecord], ids: dict[tuple[str, dt.date], int], counts: dict[str, int]
) -> None:
    """Create or update one level's units; ``ids`` maps (code, valid_from) to primary keys and grows."""
    if not records:
        return
    existing = {
        (unit.code, unit.valid_from): unit
        for unit in AdministrativeUnit.objects.filter(
            code__in={record.code for record in records},
            valid_from__in={record.valid_from for record in records},
        )
    }
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for record in records:
        parent_id = ids[(record.parent_code, record.valid_from)] if record.parent_code else None
        values: dict[str, Any] = {
            "name": record.name,
            "short_name": record.short_name,
            "search_key": record.search_key,
            "aliases": record.aliases,
            "source": record.source,
            "level": record.level,
            "unit_type": record.unit_type,
            "parent_id": parent_id,
            "province_code": record.province_code,
            "valid_to": record.valid_to,
        }
        unit = existing.get((record.code, record.valid_from))
        if unit is None:
            to_create.append(AdministrativeUnit(code=record.code, valid_from=record.valid_from, **values))
            continue
        if any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            to_update.append(unit)
        else:
            counts["units_unchanged"] += 1
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=_BATCH)
    AdministrativeUnit.objects.bulk_update(to_update, _UNIT_FIELDS, batch_size=_BATCH)
    counts["units_created"] += len(to_create)
    counts["units_updated"] += len(to_update)
    # bulk_create does not return primary keys on every backend version; read them back.
    for pk, code, valid_from in AdministrativeUnit.objects.filter(
        code__in={record.code for record in records}, valid_from__in={record.valid_from for record in records}
    ).values_list("pk", "code", "valid_from"):
        ids[(code, valid_from)] = pk


def _upsert_successions(
    wanted: Iterable[tuple[int, int, bool, bool]], predecessor_ids: set[int], counts: dict[str, int]
) -> None:
    """Create or update (predecessor, successor, partial, is_default) links of the loaded predecessors."""
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in UnitSuccession.objects.filter(predecessor_id__in=predecessor_ids)
    }
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for predecessor_id, successor_id, partial, is_default in wanted:
        link = existing.get((predecessor_id, successor_id))
        if link is None:
            to_create.append(
                UnitSuccession(
                    predecessor_id=predecessor_id,
                    successor_id=successor_id,
                    effective_on=sources.REFORM_DATE,
                    partial=partial,
                    is_default=is_default,
                )
            )
        elif (link.partial, link.is_default, link.effective_on) != (partial, is_default, sources.REFORM_DATE):
            link.partial, link.is_default, link.effective_on = partial, is_default, sources.REFORM_DATE
            to_update.append(link)
        else:
            counts["successions_unchanged"] += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=_BATCH)
    UnitSuccession.objects.bulk_update(
        to_update, ["partial", "is_default", "effective_on"], batch_size=_BATCH
    )
    counts["successions_created"] += len(to_create)
    counts["successions_updated"] += len(to_update)


@transaction.atomic
def load_units(
    *, provinces: list[str] | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Load 2025 and pre-2025 administrative units and the links between them; safe to run again.

    ``provinces`` limits the load to these 2025 provinces (GSO codes, "46") and the pre-2025
    provinces merged into them. Units are matched on (code, valid_from): a second run creates
    nothing. Returns counts: units_created / units_updated / units_unchanged and the same for
    successions.
    """
    say = progress or _noop
    say(_("Đọc dữ liệu từ vietnam-provinces và vietnamadminunits…"))
    dataset, _disagreements, _abolished = sources.read_dataset()
    records, legacy_provinces = _select(dataset, provinces)
    counts = dict.fromkeys(
        (
            "units_created",
            "units_updated",
            "units_unchanged",
            "successions_created",
            "successions_updated",
            "successions_unchanged",
        ),
        0,
    )
    ids: dict[tuple[str, dt.date], int] = {}
    for period, level, label in (
        (sources.NEW, "province", _("tỉnh, thành phố (từ 01/07/2025)")),
        (sources.NEW, "commune", _("xã, phường, đặc khu (từ 01/07/2025)")),
        (sources.LEGACY, "province", _("tỉnh, thành phố (trước 01/07/2025)")),
        (sources.LEGACY, "district", _("quận, huyện, thị xã, thành phố thuộc tỉnh (trước 01/07/2025)")),
        (sources.LEGACY, "commune", _("xã, phường, thị trấn (trước 01/07/2025)")),
    ):
        level_records = [record for record in records if record.period == period and record.level == level]
        say(_("Nạp %(count)d %(label)s…") % {"count": len(level_records), "label": label})
        _upsert_units(level_records, ids, counts)

    new_ids = {code: pk for (code, valid_from), pk in ids.items() if valid_from == sources.REFORM_DATE}
    old_ids = {code: pk for (code, valid_from), pk in ids.items() if valid_from == sources.LEGACY_VALID_FROM}
    old_levels = {(record.level, record.code) for record in records if record.period == sources.LEGACY}
    links: dict[tuple[int, int], tuple[int, int, bool, bool]] = {}
    for link in dataset.successions:
        if (link.predecessor_level, link.predecessor_code) in old_levels and link.successor_code in new_ids:
            pair = (old_ids[link.predecessor_code], new_ids[link.successor_code])
            links[pair] = (*pair, link.partial, link.is_default)
    for old_code, new_codes in dataset.province_successors.items():
        if provinces is not None and old_code not in legacy_provinces:
            continue
        for position, new_code in enumerate(new_codes):
            if new_code in new_ids:
                pair = (old_ids[old_code], new_ids[new_code])
                links[pair] = (*pair, len(new_codes) > 1, position == 0)
    say(_("Nạp %(count)d liên kết kế thừa…") % {"count": len(links)})
    _upsert_successions(links.values(), set(old_ids.values()), counts)
    from motcua.geo.matching import forget_index

    transaction.on_commit(forget_index)
    forget_index()
    say(
        _(
            "Xong: %(units_created)d đơn vị tạo mới, %(units_updated)d cập nhật, "
            "%(units_unchanged)d không đổi; %(successions_created)d liên kết tạo mới, "
            "%(successions_updated)d cập nhật, %(successions_unchanged)d không đổi."
        )
        % counts
    )
    return counts
