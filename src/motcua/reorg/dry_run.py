"""The dry-run of a plan: what its apply would do, found by doing it in a transaction rolled back.

``simulated(plan)`` runs the plan's organization changes (``services.change_organization``) inside a
transaction that always rolls back, so the catalog verifier, the competence rules and the routing read the
organization of the effective date as it will be; nothing is written. ``dry_run(plan)`` reports, from inside
it (docs/reorg.md, "Dry-run"):

- the in-flight dossiers of each ended agency and where each would go, or why it cannot (no successor unit,
  no competent agency); places split between several units without a ``choices`` entry, for a person to
  choose;
- agencies left in force at a unit the plan (or the geography) ends and not ended by the plan: their
  successor is missing;
- procedures with no competent agency or two on the effective date, and workflow steps whose performer role
  has no staff at the resolved agency (the catalog verifier on the effective date, ``competence.gap``,
  ``competence.overlap``, ``competence.district_agency``, ``performer.missing``), and the current steps of
  the moving dossiers whose role has no staff at their new agency;
- dossiers whose appointment or step deadline falls within ``at_risk_days`` working days of the effective
  date: the hand-over between agencies may make them late;
- the what-if forecast (``motcua.reorg.forecast``, docs/reorg-forecast.md): the past ``history_months``
  months' dossiers sent where the plan would send them, each agency's monthly volume per sector and the
  staff-hours it needs against the people it has on the effective date, under-staffed agencies flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.verifier import verify
from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.dossiers import lookups
from motcua.dossiers.services.reorganization import performer_after
from motcua.org.models import Agency, Position

from . import forecast as what_if
from . import plans, services
from .models import Plan
from .selectors import Routing, in_flight_at

# Dossiers due within this many working days of the effective date are listed as at risk (docs/reorg.md).
AT_RISK_DAYS = 3
# The forecast reads the dossiers received in this many months before the effective date (or before today,
# for a plan further ahead) (docs/reorg-forecast.md).
HISTORY_MONTHS = 6
# The verifier's rules the dry-run reports (competence and staffing on the effective date).
VERIFIER_RULES = ("competence.gap", "competence.overlap", "competence.district_agency", "performer.missing")


class _RolledBack(Exception):
    """Raised at the end of ``simulated`` to roll its transaction back."""


@contextmanager
def simulated(plan: Plan) -> Iterator[None]:
    """Inside the block the database holds the plan's organization changes; they are rolled back after it,
    whatever happens in it."""
    try:
        with transaction.atomic():
            services.change_organization(plan=plan)
            yield
            raise _RolledBack
    except _RolledBack:
        pass
    finally:
        snapshots.changed()  # values read inside belong to a token that never committed


@dataclass(frozen=True)
class Move:
    """One in-flight dossier of an ended agency and where it would go."""

    dossier: str
    procedure: str
    state: str
    step: str
    from_agency: str
    to_agency: str = ""
    to_place: str = ""
    problem: str = ""
    choices: tuple[str, ...] = ()
    due: dt.datetime | None = None

    def __str__(self) -> str:
        target = self.to_agency or _("(không xác định)")
        where = f" — {self.to_place}" if self.to_place else ""
        step = f", {self.step}" if self.step else ""
        text = f"{self.dossier} [{self.procedure}, {self.state}{step}] → {target}{where}"
        return f"{text}: {self.problem}" if self.problem else text


@dataclass(frozen=True)
class UnstaffedStep:
    procedure: str
    step: str
    agency: str
    role: str
    dossiers: int

    def __str__(self) -> str:
        return _(
            "%(procedure)s, bước “%(step)s”: %(agency)s không có cán bộ vai trò %(role)s (%(count)s hồ sơ)"
        ) % {
            "procedure": self.procedure,
            "step": self.step,
            "agency": self.agency,
            "role": self.role,
            "count": self.dossiers,
        }


@dataclass
class DryRunReport:
    plan: str
    name: str
    effective_on: dt.date
    at_risk_days: int
    moves: dict[str, list[Move]] = field(default_factory=dict)  # old agency "CODE name" -> its dossiers
    missing_successors: list[str] = field(default_factory=list)
    competence: list[str] = field(default_factory=list)
    unstaffed: list[str] = field(default_factory=list)
    unstaffed_steps: list[UnstaffedStep] = field(default_factory=list)
    # The what-if forecast (motcua.reorg.forecast); None when the dry-run was asked without it.
    forecast: what_if.Forecast | None = None

    @property
    def all_moves(self) -> list[Move]:
        return [move for moves in self.moves.values() for move in moves]

    @property
    def to_choose(self) -> list[Move]:
        return [m for m in self.all_moves if m.choices]

    @property
    def unrouted(self) -> list[Move]:
        return [m for m in self.all_moves if m.problem and not m.choices]

    @property
    def at_risk(self) -> list[Move]:
        return [m for m in self.all_moves if m.due is not None]

    @property
    def ok(self) -> bool:
        """Nothing blocks the apply: every dossier has a destination, no successor or competence is missing,
        every step has staff. Deadlines at risk are a warning."""
        return not (
            self.to_choose
            or self.unrouted
            or self.missing_successors
            or self.competence
            or self.unstaffed
            or self.unstaffed_steps
        )

    def as_text(self) -> str:
        lines = [
            _("Chạy thử phương án %(code)s (%(name)s), hiệu lực ngày %(day)s: không có gì được ghi.")
            % {"code": self.plan, "name": self.name, "day": self.effective_on.strftime("%d/%m/%Y")},
            "",
            _("Hồ sơ đang giải quyết tại cơ quan kết thúc: %(count)s") % {"count": len(self.all_moves)},
        ]
        for agency, moves in self.moves.items():
            lines.append(f"  {agency}: {len(moves)}")
            lines.extend(f"    {move}" for move in moves)
        sections = [
            (
                _("Cần người chọn đơn vị (địa bàn bị chia)"),
                [f"{m}; {', '.join(m.choices)}" for m in self.to_choose],
            ),
            (_("Hồ sơ không xác định được nơi chuyển đến"), [str(m) for m in self.unrouted]),
            (_("Thiếu cơ quan kế thừa"), self.missing_successors),
            (_("Thủ tục không có hoặc có hai cơ quan có thẩm quyền"), self.competence),
            (
                _("Bước quy trình không có cán bộ thực hiện"),
                self.unstaffed + [str(s) for s in self.unstaffed_steps],
            ),
            (
                _("Hồ sơ có nguy cơ trễ hạn (đến hạn trong %(days)s ngày làm việc kể từ ngày hiệu lực)")
                % {"days": self.at_risk_days},
                [f"{m} ({timezone.localtime(m.due):%H:%M %d/%m/%Y})" for m in self.at_risk if m.due],
            ),
        ]
        for title, items in sections:
            lines.append("")
            lines.append(f"{title}: {len(items)}")
            lines.extend(f"  - {item}" for item in items)
        if self.forecast is not None:
            lines += ["", _("Dự báo khối lượng công việc sau sắp xếp") + ":", self.forecast.as_text()]
        lines += ["", _("Kết quả: ĐẠT, có thể áp dụng.") if self.ok else _("Kết quả: CHƯA ĐẠT.")]
        return "\n".join(lines)

    def as_html(self) -> str:
        return render_to_string("reorg/dry_run.html", {"report": self})


def _missing_successors(routing: Routing, on: dt.date, province_code: str) -> list[str]:
    """Agencies still in force on the effective date at a unit that is not, and not ended by the plan."""
    ended = set(routing.successors)
    found = []
    rows = (
        Agency.objects.valid_on(on)
        .filter(province_code=province_code)
        .exclude(code__in=ended)
        .select_related("unit")
        .order_by("code")
    )
    for agency in rows:
        if not agency.unit.is_valid_on(on):
            found.append(
                _(
                    "%(code)s %(name)s: đơn vị %(unit)s hết hiệu lực từ %(day)s nhưng phương án không kết "
                    "thúc cơ quan này và không nêu cơ quan kế thừa (agencies.end)"
                )
                % {
                    "code": agency.code,
                    "name": agency.name,
                    "unit": agency.unit.name,
                    "day": on.strftime("%d/%m/%Y"),
                }
            )
    return found


def _staffed(on: dt.date) -> set[tuple[int, str]]:
    return set(Position.objects.valid_on(on).filter(staff__is_active=True).values_list("agency_id", "role"))


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, 1)


def _staff_on(on: dt.date) -> dict[tuple[int, str], int]:
    """People holding each (agency, role) on ``on``: the staff the forecast weighs the load against."""
    rows = (
        Position.objects.valid_on(on)
        .filter(staff__is_active=True)
        .values("agency_id", "role")
        .annotate(people=Count("staff_id", distinct=True))
    )
    return {(row["agency_id"], row["role"]): row["people"] for row in rows}


def dry_run(
    *,
    plan: Plan,
    at_risk_days: int = AT_RISK_DAYS,
    history_months: int | None = HISTORY_MONTHS,
    today: dt.date | None = None,
) -> DryRunReport:
    """What applying ``plan`` would do, computed inside a rolled-back simulation; nothing is written.
    ``history_months`` None leaves the forecast out."""
    document = plan.document
    on = plans.effective_date(document)
    report = DryRunReport(plan=plan.code, name=plan.name, effective_on=on, at_risk_days=at_risk_days)
    with simulated(plan):
        routing = Routing(document)
        ended = routing.ended_agency_ids()
        report.missing_successors = _missing_successors(routing, on, plan.province_code)
        verified = verify(on=on, province_code=plan.province_code)
        for finding in verified.findings:
            if finding.rule in VERIFIER_RULES:
                target = report.unstaffed if finding.rule == "performer.missing" else report.competence
                target.append(f"{finding.procedure} v{finding.version}: {finding.message}")
        staffed = _staffed(on)
        start = dt.datetime.combine(on, dt.time(0, 0), tzinfo=plans.TZ)
        unstaffed: dict[tuple[str, str, str, str], int] = {}
        names = dict(Agency.objects.filter(pk__in=list(ended)).values_list("id", "name"))
        rows = (
            in_flight_at(agency_ids=list(ended))
            .select_related("procedure", "current_step__step", "place_unit")
            .order_by("competent_agency_id", "id")
        )
        for dossier in rows.iterator(chunk_size=2000):
            old_id = (
                dossier.competent_agency_id
                if dossier.competent_agency_id in ended
                else dossier.step_agency_id
            )
            label = f"{ended.get(old_id or 0, '')} {names.get(old_id or 0, '')}".strip()
            destination = routing.destination(code=dossier.code, row=dossier)
            current = dossier.current_step
            due = min(
                (d for d in (dossier.appointment_at, dossier.step_deadline) if d is not None), default=None
            )
            cutoff = lookups.add_working_days(
                start=start,
                days=at_risk_days,
                agency_id=destination.agency.pk if destination.agency else None,
            )
            move = Move(
                dossier=dossier.code,
                procedure=dossier.procedure.code,
                state=dossier.get_state_display(),
                step=current.step.name if current is not None else "",
                from_agency=label,
                to_agency=destination.agency.name if destination.agency else "",
                to_place=destination.place.name if destination.place else "",
                problem=destination.problem,
                choices=tuple(f"{u.code} {u.name}" for u in destination.choices),
                due=due if due is not None and due < cutoff else None,
            )
            report.moves.setdefault(label, []).append(move)
            if current is not None and destination.agency is not None:
                successors = routing.successors_for(
                    procedure_code=dossier.procedure.code, place=destination.place
                )
                dossier.competent_agency = destination.agency
                dossier.place_unit = destination.place or dossier.place_unit
                if dossier.receiving_agency_id in successors:
                    dossier.receiving_agency = successors[dossier.receiving_agency_id]
                try:
                    agency, role = performer_after(dossier, current.step, successors=successors, on=on)
                except DomainError:  # no performer at all: reported as a step nobody can perform
                    agency, role = destination.agency, current.step.role
                if (agency.pk, role) not in staffed:
                    key = (dossier.procedure.code, current.step.name, agency.name, role)
                    unstaffed[key] = unstaffed.get(key, 0) + 1
        report.unstaffed_steps = [
            UnstaffedStep(procedure=p, step=s, agency=a, role=r, dossiers=n)
            for (p, s, a, r), n in sorted(unstaffed.items())
        ]
        if history_months is not None:
            until = min(on, today or timezone.localdate())
            report.forecast = what_if.forecast(
                destinations=routing.weighted,
                staff=_staff_on(on),
                history_from=_months_before(until, history_months),
                history_to=until,
            )
    return report
