"""What-if forecast of a reorganization (dự báo khối lượng, nhân lực): from the past months' dossiers and
finished workflow steps, each new agency's monthly dossier volume per sector and the staff-hours it needs per
role, against the people the plan assigns; agencies that would be under-staffed are flagged with the figures
behind the flag.

Reads only. The plan is not read here: the caller says where each past dossier would go
(``destinations``) and how many people each new agency has per role (``staff``), so the plan's dry-run
(another module) and the tests call the same function. Method, formulas and limits: docs/reorg-forecast.md.
"""

from __future__ import annotations

import calendar as civil
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendar.selectors import working_time_between
from motcua.catalog.models import Field, PerformerRule, Procedure
from motcua.core import request_cache
from motcua.core.errors import DomainError, register
from motcua.dossiers.models import Dossier, DossierStep
from motcua.org.models import Agency, Role

register(
    {
        "forecast.window": 400,
        "forecast.shares": 400,
        "forecast.staff": 400,
        "forecast.hours": 400,
    }
)

TZ = ZoneInfo(settings.TIME_ZONE)
# A finished step whose working hours exceed this many times its allotment (and one working day) waited on
# something other than its performer's work (a forgotten dossier, a long consultation): left out of the mean.
OUTLIER_FACTOR = 3
OUTLIER_FLOOR_HOURS = 8
# Weights of one dossier's destinations must sum to 1 within this.
SHARE_TOLERANCE = 1e-6
# Dossiers read per round trip of the history's cursor.
CHUNK = 2000


@dataclass(frozen=True)
class DossierRow:
    """One dossier received in the history window, as ``destinations`` sees it."""

    dossier_id: int
    procedure_id: int
    sector_id: int
    competent_agency_id: int
    place_unit_id: int
    received_on: dt.date


Destinations = Callable[[DossierRow], Sequence[tuple[int, float]]]


@dataclass(frozen=True)
class HandlingTime:
    """Working hours a dossier of one procedure costs one role of the competent agency, measured.

    ``hours_per_dossier`` = ``mean_hours`` (kept hours / dossiers with a kept step in the role) × ``reach``
    (dossiers with a step in the role / dossiers with any measured step of the procedure)."""

    procedure_id: int
    procedure_code: str
    role: str
    steps: int
    outliers: int
    dossiers: int
    mean_hours: float
    reach: float

    @property
    def hours_per_dossier(self) -> float:
        return self.mean_hours * self.reach


@dataclass(frozen=True)
class SectorVolume:
    """Forecast monthly dossiers of one new agency in one sector (lĩnh vực)."""

    agency_id: int
    agency_name: str
    sector_id: int
    sector_name: str
    dossiers: float  # over the whole window
    per_month: float


@dataclass(frozen=True)
class RoleLoad:
    """Needed against available working hours per month of one role at one new agency."""

    agency_id: int
    agency_name: str
    role: str
    volume: float  # the agency's forecast dossiers per month (all sectors)
    needed_hours: float  # per month
    people: int
    hours_per_person: float  # working hours of one person in an average month of the window
    available_hours: float  # per month

    @property
    def hours_per_dossier(self) -> float:
        return self.needed_hours / self.volume if self.volume else 0.0

    @property
    def utilisation(self) -> float | None:
        """Needed / available; None when nobody is available."""
        return self.needed_hours / self.available_hours if self.available_hours else None

    @property
    def under_staffed(self) -> bool:
        return self.needed_hours > self.available_hours + SHARE_TOLERANCE


@dataclass(frozen=True)
class Forecast:
    """The forecast: rows per (agency, sector) and per (agency, role), the under-staffed flags, and what the
    history could not tell (dossiers with no destination, procedures with no measured handling time)."""

    history_from: dt.date
    history_to: dt.date
    months: float
    dossiers: int
    unrouted: int
    sectors: list[SectorVolume]
    roles: list[RoleLoad]
    handling: list[HandlingTime]
    unmeasured_procedures: list[str]

    @property
    def flags(self) -> list[RoleLoad]:
        """The (agency, role) rows that need more hours than their people have."""
        return [row for row in self.roles if row.under_staffed]

    def volume(self, agency_id: int, sector_id: int | None = None) -> float:
        """Forecast dossiers per month at an agency, in one sector or all."""
        return sum(
            row.per_month
            for row in self.sectors
            if row.agency_id == agency_id and (sector_id is None or row.sector_id == sector_id)
        )

    def load(self, agency_id: int, role: str) -> RoleLoad | None:
        return next((r for r in self.roles if r.agency_id == agency_id and r.role == role), None)

    def as_text(self) -> str:
        """The forecast as the dry-run command prints it (Vietnamese labels)."""
        lines = [
            _(
                "Dự báo theo lịch sử từ %(start)s đến trước %(end)s (%(months)s tháng, %(dossiers)s hồ sơ đã "
                "tiếp nhận)."
            )
            % {
                "start": f"{self.history_from:%d/%m/%Y}",
                "end": f"{self.history_to:%d/%m/%Y}",
                "months": _number(self.months, 2),
                "dossiers": _number(self.dossiers, 0),
            }
        ]
        if self.unrouted:
            lines.append(
                _("%(count)s hồ sơ không có cơ quan tiếp nhận theo phương án: không tính vào dự báo.")
                % {"count": _number(self.unrouted, 0)}
            )
        lines.append("")
        lines.append(_("Số hồ sơ mỗi tháng theo cơ quan và lĩnh vực:"))
        if not self.sectors:
            lines.append("  " + _("(không có hồ sơ)"))
        for row in self.sectors:
            lines.append(
                "  "
                + _("%(agency)s — %(sector)s: %(count)s hồ sơ/tháng")
                % {"agency": row.agency_name, "sector": row.sector_name, "count": _number(row.per_month, 1)}
            )
        lines.append("")
        lines.append(_("Giờ làm việc cần và có mỗi tháng theo cơ quan và vai trò:"))
        if not self.roles:
            lines.append("  " + _("(không có)"))
        for load in self.roles:
            lines.append("  " + _role_line(load))
        if self.handling:
            lines.append("")
            lines.append(_("Thời gian xử lý đo được (giờ làm việc mỗi hồ sơ, theo thủ tục và vai trò):"))
            for measured in self.handling:
                lines.append(
                    "  "
                    + _(
                        "%(procedure)s — %(role)s: %(hours)s giờ/hồ sơ (%(steps)s bước, "
                        "%(outliers)s bước bất thường bị loại)"
                    )
                    % {
                        "procedure": measured.procedure_code,
                        "role": role_label(measured.role),
                        "hours": _number(measured.hours_per_dossier, 2),
                        "steps": measured.steps,
                        "outliers": measured.outliers,
                    }
                )
        if self.unmeasured_procedures:
            lines.append(
                _("Thủ tục chưa có bước đã xử lý để đo thời gian (giờ cần tính bằng 0): %(codes)s")
                % {"codes": ", ".join(self.unmeasured_procedures)}
            )
        lines.append("")
        if self.flags:
            lines.append(_("Cảnh báo thiếu nhân lực:"))
            for flag in self.flags:
                lines.append(
                    "  "
                    + _(
                        "%(agency)s — %(role)s: %(volume)s hồ sơ/tháng × %(per)s giờ/hồ sơ = "
                        "%(needed)s giờ cần, %(people)s người có %(available)s giờ"
                    )
                    % _figures(flag)
                )
        else:
            lines.append(_("Không cơ quan nào thiếu nhân lực theo dự báo."))
        return "\n".join(lines)


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _number(value: float, places: int) -> str:
    return str(formats.number_format(round(value, places), decimal_pos=places, use_l10n=True))


def _figures(row: RoleLoad) -> dict[str, str]:
    return {
        "agency": row.agency_name,
        "role": role_label(row.role),
        "volume": _number(row.volume, 1),
        "per": _number(row.hours_per_dossier, 2),
        "needed": _number(row.needed_hours, 1),
        "people": str(row.people),
        "available": _number(row.available_hours, 1),
    }


def _role_line(row: RoleLoad) -> str:
    figures = _figures(row)
    figures["each"] = _number(row.hours_per_person, 1)
    utilisation = row.utilisation
    figures["use"] = _number(utilisation * 100, 0) + " %" if utilisation is not None else "—"
    text = (
        _(
            "%(agency)s — %(role)s: cần %(needed)s giờ (%(volume)s hồ sơ × %(per)s giờ), "
            "có %(available)s giờ (%(people)s người × %(each)s giờ), sử dụng %(use)s"
        )
        % figures
    )
    return text + ("; " + _("THIẾU NHÂN LỰC") if row.under_staffed else "")


# --- destinations ------------------------------------------------------------------------------------


def _shares_of(*, dossier: int | None = None, agency: int | None = None) -> str:
    if dossier is not None:
        return _("hồ sơ %(id)s") % {"id": dossier}
    return _("hồ sơ của cơ quan %(id)s") % {"id": agency}


def _check_shares(
    shares: Sequence[tuple[int, float]], *, dossier: int | None = None, agency: int | None = None
) -> None:
    """Refuse weights outside (0, 1] or not summing to 1, naming the dossier or the old agency (the name is
    built only on failure: this runs once per dossier of the history)."""
    total = 0.0
    for _agency, weight in shares:
        if not 0 < weight <= 1:
            raise DomainError(
                "forecast.shares",
                gettext_lazy("Tỷ lệ chia %(what)s phải lớn hơn 0 và không quá 1 (nhận được %(weight)s)."),
                what=_shares_of(dossier=dossier, agency=agency),
                weight=weight,
            )
        total += weight
    if shares and abs(total - 1) > SHARE_TOLERANCE:
        raise DomainError(
            "forecast.shares",
            gettext_lazy("Tổng tỷ lệ chia %(what)s phải bằng 1 (đang là %(total)s)."),
            what=_shares_of(dossier=dossier, agency=agency),
            total=round(total, 6),
        )


def destinations_from_successors(
    successors: Mapping[int, Sequence[tuple[int, float]]],
    *,
    by_place: Mapping[tuple[int, int], int] | None = None,
) -> Destinations:
    """Where a past dossier goes: its competent agency's successors with their given shares.

    ``successors`` maps an old agency to ``(new agency, share)`` pairs summing to 1. ``by_place`` maps
    ``(old agency, place unit)`` to the one successor that takes the dossiers of that place: a dossier whose
    place is listed goes wholly there, so a split agency's volume is shared by its past dossiers' places; the
    others are shared by the given shares. An agency the mapping does not name keeps its dossiers."""
    for old, shares in successors.items():
        _check_shares(shares, agency=old)
    chosen = dict(by_place or {})
    plan = {old: tuple(shares) for old, shares in successors.items()}

    def destinations(row: DossierRow) -> Sequence[tuple[int, float]]:
        place = chosen.get((row.competent_agency_id, row.place_unit_id))
        if place is not None:
            return ((place, 1.0),)
        return plan.get(row.competent_agency_id, ((row.competent_agency_id, 1.0),))

    return destinations


# --- the window ----------------------------------------------------------------------------------------


def months_between(start: dt.date, end: dt.date) -> float:
    """Calendar months from ``start`` to ``end`` (excluded): whole months count 1, a part of a month the
    share of its days (1–16 January = 15/31)."""
    total = 0.0
    day = start
    while day < end:
        days_in_month = civil.monthrange(day.year, day.month)[1]
        next_month = day.replace(day=1) + dt.timedelta(days=days_in_month)
        stop = min(next_month, end)
        total += (stop - day).days / days_in_month
        day = stop
    return total


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), TZ)


# --- measuring -----------------------------------------------------------------------------------------


def _handling_times(start: dt.datetime, end: dt.datetime) -> dict[int, list[HandlingTime]]:
    """Per procedure, the hours per dossier each role of the competent agency spent on it (two queries)."""
    steps = DossierStep.objects.filter(
        finished_at__gte=start,
        finished_at__lt=end,
        spent_hours__isnull=False,
        step__performer=PerformerRule.COMPETENT,
    )
    limit = Greatest(F("step__allotment_hours") * OUTLIER_FACTOR, Value(Decimal(OUTLIER_FLOOR_HOURS)))
    kept = Q(spent_hours__lte=limit)
    per_role = (
        steps.values("dossier__procedure_id", "role")
        .annotate(
            hours=Sum("spent_hours", filter=kept),
            kept_steps=Count("id", filter=kept),
            outliers=Count("id", filter=~kept),
            kept_dossiers=Count("dossier_id", filter=kept, distinct=True),
            reached=Count("dossier_id", distinct=True),
        )
        .order_by()
    )
    measured = dict(
        steps.values("dossier__procedure_id")
        .annotate(dossiers=Count("dossier_id", distinct=True))
        .order_by()
        .values_list("dossier__procedure_id", "dossiers")
    )
    found: dict[int, list[HandlingTime]] = defaultdict(list)
    for row in per_role:
        procedure_id = row["dossier__procedure_id"]
        kept_dossiers = row["kept_dossiers"]
        found[procedure_id].append(
            HandlingTime(
                procedure_id=procedure_id,
                procedure_code="",
                role=row["role"],
                steps=row["kept_steps"],
                outliers=row["outliers"],
                dossiers=kept_dossiers,
                mean_hours=float(row["hours"] or 0) / kept_dossiers if kept_dossiers else 0.0,
                reach=row["reached"] / measured[procedure_id],
            )
        )
    return found


def _history(start: dt.datetime, end: dt.datetime) -> Iterator[DossierRow]:
    """Dossiers received in the window, one row each, read through one cursor."""
    rows = (
        Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .values_list(
            "id", "procedure_id", "procedure__field_id", "competent_agency_id", "place_unit_id", "received_at"
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, procedure_id, sector_id, agency_id, place_id, received_at in rows:
        assert received_at is not None  # the range excludes dossiers never received
        yield DossierRow(pk, procedure_id, sector_id, agency_id, place_id, received_at.astimezone(TZ).date())


# --- the forecast --------------------------------------------------------------------------------------


def _check_inputs(
    staff: Mapping[tuple[int, str], int], start: dt.date, end: dt.date, hours: Decimal | None
) -> None:
    if start >= end:
        raise DomainError(
            "forecast.window",
            gettext_lazy("Khoảng lịch sử phải có ngày bắt đầu (%(start)s) trước ngày kết thúc (%(end)s)."),
            start=f"{start:%d/%m/%Y}",
            end=f"{end:%d/%m/%Y}",
        )
    for (agency, role), people in staff.items():
        if people < 0 or role not in Role.values:
            raise DomainError(
                "forecast.staff",
                gettext_lazy("Số người của cơ quan %(agency)s, vai trò “%(role)s” không hợp lệ: %(people)s."),
                agency=agency,
                role=role,
                people=people,
            )
    if hours is not None and hours <= 0:
        raise DomainError(
            "forecast.hours",
            gettext_lazy("Số giờ làm việc của một người mỗi tháng phải lớn hơn 0 (nhận được %(hours)s)."),
            hours=hours,
        )


def forecast(
    *,
    destinations: Destinations,
    staff: Mapping[tuple[int, str], int],
    history_from: dt.date,
    history_to: dt.date,
    hours_per_person_month: Decimal | None = None,
) -> Forecast:
    """Forecast each new agency's monthly volume per sector and staff-hours per role from the dossiers
    received in [``history_from``, ``history_to``) and the competent agency's steps finished in it.

    ``destinations(row)`` gives where a past dossier would go under the plan, as ``(agency id, weight)``
    pairs summing to 1 (empty: nowhere, counted as unrouted). ``staff`` maps ``(new agency id, role)`` to the
    people the plan assigns. A person's hours per month are ``hours_per_person_month`` when given, else the
    agency's working calendar averaged over the window's months. Raises DomainError on bad input."""
    _check_inputs(staff, history_from, history_to, hours_per_person_month)
    months = months_between(history_from, history_to)
    start, end = _midnight(history_from), _midnight(history_to)
    with request_cache.scope():
        handling = _handling_times(start, end)
        by_sector: dict[tuple[int, int], float] = defaultdict(float)
        by_procedure: dict[tuple[int, int], float] = defaultdict(float)
        dossiers = unrouted = 0
        for row in _history(start, end):
            dossiers += 1
            shares = destinations(row)
            if not shares:
                unrouted += 1
                continue
            _check_shares(shares, dossier=row.dossier_id)
            for agency_id, weight in shares:
                by_sector[agency_id, row.sector_id] += weight
                by_procedure[agency_id, row.procedure_id] += weight
        needed: dict[tuple[int, str], float] = defaultdict(float)
        volume: dict[int, float] = defaultdict(float)
        for (agency_id, procedure_id), count in by_procedure.items():
            volume[agency_id] += count / months
            for measured in handling.get(procedure_id, ()):
                needed[agency_id, measured.role] += count * measured.hours_per_dossier / months
        keys = sorted(set(needed) | set(staff))
        agency_ids = {a for a, _sector in by_sector} | {a for a, _role in keys}
        names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
        sector_names = dict(Field.objects.filter(pk__in={s for _a, s in by_sector}).values_list("pk", "name"))
        procedure_ids = set(handling) | {p for _a, p in by_procedure}
        codes = dict(Procedure.objects.filter(pk__in=procedure_ids).values_list("pk", "code"))
        person_hours = _hours_per_person({a for a, _role in keys}, start, end, months, hours_per_person_month)
    return Forecast(
        history_from=history_from,
        history_to=history_to,
        months=months,
        dossiers=dossiers,
        unrouted=unrouted,
        sectors=[
            SectorVolume(
                agency_id=agency_id,
                agency_name=names.get(agency_id, f"#{agency_id}"),
                sector_id=sector_id,
                sector_name=sector_names.get(sector_id, f"#{sector_id}"),
                dossiers=count,
                per_month=count / months,
            )
            for (agency_id, sector_id), count in sorted(by_sector.items())
        ],
        roles=[
            RoleLoad(
                agency_id=agency_id,
                agency_name=names.get(agency_id, f"#{agency_id}"),
                role=role,
                volume=volume.get(agency_id, 0.0),
                needed_hours=needed.get((agency_id, role), 0.0),
                people=staff.get((agency_id, role), 0),
                hours_per_person=person_hours[agency_id],
                available_hours=staff.get((agency_id, role), 0) * person_hours[agency_id],
            )
            for agency_id, role in keys
        ],
        handling=sorted(
            (
                replace(measured, procedure_code=codes.get(procedure_id, ""))
                for procedure_id, items in handling.items()
                for measured in items
            ),
            key=lambda m: (m.procedure_code, m.role),
        ),
        unmeasured_procedures=sorted(
            codes.get(p, f"#{p}") for p in {p for _a, p in by_procedure} if p not in handling
        ),
    )


def _hours_per_person(
    agency_ids: set[int], start: dt.datetime, end: dt.datetime, months: float, given: Decimal | None
) -> dict[int, float]:
    """Working hours of one person per month at each agency: the parameter, or the agency's calendar over
    the window divided by its months (holidays, make-up days and the agency's office hours applied)."""
    if given is not None:
        return dict.fromkeys(agency_ids, float(given))
    return {
        agency_id: working_time_between(start=start, end=end, agency_id=agency_id).total_seconds()
        / 3600
        / months
        for agency_id in agency_ids
    }
