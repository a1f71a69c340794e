"""The dossiers the HTTP benchmarks read: a realistic mix seeded fast, a sample through the services.

``seed(count=N)`` plans ``N`` dossiers of one procedure (Cấp Giấy xác nhận tình trạng hôn nhân, 1.004873:
taken at the counter and online, a six-step commune workflow) over Huế's communes, the biggest several
times the average (log-normal weights), 91 % online (Huế, July 2025), 95 % finished and the rest in flight
at every stage (waiting for reception, then each workflow step). For each commune and channel ONE dossier
is made through the services (submitted, accepted, walked through the workflow action by action by the
officers holding each step); whenever it stands at a stage, the planned dossiers of that stage are bulk-copied
from it (the row and its steps, documents and events; times shifted: finished dossiers back over the last
year, dossiers in flight by up to three days) with their own code and applicant. Online copies belong to a
pool of citizen accounts, the first of them the benchmark's citizen (``CITIZEN_ID``). Copies leave the
register book and the outbox alone (their messages count as delivered).

Progress is one line rewritten in place (``\\r``): dossiers made, share and rate.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: counter and online, no upload needed
CITIZEN_ID = "046195001234"
ONLINE_SHARE = 0.91
FINISHED_SHARE = 0.95
WAITING_SHARE = 0.01  # online dossiers not yet received (the rest of the in-flight share is at the steps)
STAGES = 8  # 0 submitted (online only), 1..6 at the workflow's steps, 7 finished
FINISHED = STAGES - 1
# The action that moves a dossier on from each kind of step, in the order a workflow offers them.
MOVES = ("accept", "forward", "approve", "sign", "issue_number", "return_result")


def _move(*, dossier: Any, by: Any, action: str, **options: Any) -> Any:
    """One movement of the walk: ``sign`` through the engine's sign step (the signing service's path; the
    signature itself is not what this measures), the others through ``perform`` (which refuses ``sign``)."""
    from motcua.dossiers import services
    from motcua.dossiers.services.signature_step import pass_sign_step

    if action == "sign":
        return pass_sign_step(dossier=dossier, by=by, **options)
    return services.perform(dossier=dossier, by=by, action=action, **options)


BATCH = 500  # dossiers per bulk insert


def form_data(*, unit_code: str, name: str, id_number: str) -> dict[str, Any]:
    """The e-form of 1.004873 as a citizen fills it in (the place of residence decides the commune)."""
    return {
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": "0914000111",
        "applicant_address": "12 Lê Lợi, phường Phú Xuân, thành phố Huế",
        "permanent_residence_unit": unit_code,
        "purpose": "Đăng ký kết hôn",
        "marital_status": "Chưa kết hôn",
    }


class Progress:
    """One line on the terminal, rewritten in place: ``label: done/total (share) rate``."""

    def __init__(self, label: str, total: int, out: Any = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.out = out or sys.stderr
        self.started = self.shown = time.perf_counter()

    def advance(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self.shown >= 0.5 or self.done >= self.total:
            self.shown = now
            self.show(now)

    def show(self, now: float) -> None:
        rate = self.done / max(now - self.started, 1e-9)
        share = 100 * self.done / max(self.total, 1)
        self.out.write(f"\r  {self.label}: {self.done:,}/{self.total:,} ({share:3.0f} %) {rate:,.0f}/s   ")
        self.out.flush()

    def close(self) -> None:
        self.show(time.perf_counter())
        self.out.write("\n")
        self.out.flush()


def plan(
    count: int, communes: int, *, seed: int = 13
) -> tuple[list[float], dict[tuple[int, str], Counter[int]]]:
    """Commune weights and, per (commune index, channel), how many dossiers stand at each stage."""
    rng = random.Random(seed)
    weights = [rng.lognormvariate(0, 0.7) for _ in range(communes)]
    in_flight = 1 - FINISHED_SHARE
    # Online: waiting share, then the steps; the counter receives and accepts in one go (no stage 0).
    stage_weights = [WAITING_SHARE] + [(in_flight - WAITING_SHARE) / 6] * 6 + [FINISHED_SHARE]
    buckets: dict[tuple[int, str], Counter[int]] = {}
    where = rng.choices(range(communes), weights=weights, k=count)
    for n in range(count):
        channel = "online" if rng.random() < ONLINE_SHARE else "counter"
        stage = rng.choices(range(STAGES), weights=stage_weights)[0]
        if channel == "counter" and stage == 0:
            stage = 1
        buckets.setdefault((where[n], channel), Counter())[stage] += 1
    return weights, buckets


@dataclass
class Copy:
    code: str
    shift: dt.timedelta
    applicant: tuple[int | None, str, str]  # user id, name, ID number


@dataclass
class Snapshot:
    """A dossier's row and its children's rows (``values()``), to copy in bulk."""

    row: dict[str, Any]
    children: list[tuple[type, list[dict[str, Any]]]]


def children_models() -> tuple[type, ...]:
    from motcua.dossiers import models as m

    # Steps first: the dossier's current step and the consultations point at them.
    return (
        m.DossierStep,
        m.DossierDocument,
        m.DossierEvent,
        m.Consultation,
        m.ApologyNotice,
        m.StopNotice,
        m.WithdrawalRequest,
        m.DossierResult,
        m.SatisfactionRating,
    )


def snapshot(dossier_id: int) -> Snapshot:
    from motcua.dossiers.models import Dossier

    row = Dossier.objects.filter(pk=dossier_id).values().get()
    children = [
        (model, list(model.objects.filter(dossier_id=dossier_id).order_by("pk").values()))  # type: ignore[attr-defined]
        for model in children_models()
    ]
    return Snapshot(row=row, children=[(m, rows) for m, rows in children if rows])


class Table:
    """One table's INSERT, and its rows turned into database values once (``prepare``) so that a copy only
    converts what differs (ids, code, applicant, shifted times): Django's bulk_create spends most of its
    time building the SQL and converting every value of every row."""

    def __init__(self, model: type) -> None:
        from django.db import DEFAULT_DB_ALIAS, connections, models

        from motcua.dossiers.models import DossierStep

        self.model = model
        self.fields = list(model._meta.concrete_fields)  # type: ignore[attr-defined]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        # DateTimeField is a DateField.
        self.times = [i for i, f in enumerate(self.fields) if isinstance(f, models.DateField)]
        self.to_step = [
            i for i, f in enumerate(self.fields) if f.is_relation and f.related_model is DossierStep
        ]
        self.connection = connection = connections[DEFAULT_DB_ALIAS]  # not the per-thread proxy: read often
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # type: ignore[attr-defined]
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"  # type: ignore[attr-defined]

    def insert(self, cursor: Any, rows: list[list[Any]]) -> None:
        """PostgreSQL: COPY (several times faster than INSERTs); SQLite: one executemany."""
        if self.connection.vendor == "postgresql":
            with cursor.cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self.sql, rows)

    def prepare(self, row: dict[str, Any]) -> list[Any]:
        return [f.get_db_prep_save(row[f.attname], self.connection) for f in self.fields]

    def value(self, name: str, value: Any) -> tuple[int, Any]:
        i = self.index[name]
        return i, self.fields[i].get_db_prep_save(value, self.connection)

    def shifted(self, row: dict[str, Any], prepared: list[Any], shift: dt.timedelta) -> list[Any]:
        values = list(prepared)
        for i in self.times:
            original = row[self.fields[i].attname]
            if original is not None:
                values[i] = self.fields[i].get_db_prep_save(original + shift, self.connection)
        return values

    def next_id(self) -> int:
        from django.db.models import Max

        return int(self.model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1  # type: ignore[attr-defined]


def copy_dossiers(snap: Snapshot, copies: list[Copy]) -> list[int]:
    """Insert one dossier per ``copies`` entry, each with copies of ``snap``'s children: the rows converted
    once, ids given here (the sequences set after them on PostgreSQL), one COPY (PostgreSQL) or one
    executemany (SQLite) per table; the foreign keys are checked at commit (deferred)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier, DossierStep

    table = Table(Dossier)
    prepared = table.prepare(snap.row)
    first = table.next_id()
    ids = list(range(first, first + len(copies)))
    # Each copy's child ids, by the template's child id (the steps' to point at them).
    child_tables = [(Table(model), rows) for model, rows in snap.children]
    new_ids: list[dict[type, dict[int, int]]] = [{} for _ in copies]
    for child, rows in child_tables:
        start = child.next_id()
        for i in range(len(copies)):
            new_ids[i][child.model] = {row["id"]: start + i * len(rows) + k for k, row in enumerate(rows)}
    current = snap.row["current_step_id"]
    dossier_rows = []
    for i, c in enumerate(copies):
        values = table.shifted(snap.row, prepared, c.shift)
        user_id, name, id_number = c.applicant
        for field_name, value in (
            ("id", ids[i]),
            ("code", c.code),
            ("idempotency_key", None),
            ("national_code", None),
            ("current_step_id", None if current is None else new_ids[i][DossierStep][current]),
            ("applicant_id", user_id),
            ("applicant_name", name),
            ("applicant_id_number", id_number),
        ):
            index, prepared_value = table.value(field_name, value)
            values[index] = prepared_value
        dossier_rows.append(values)
    # One transaction even when the caller has none: the dossiers point at steps copied after them.
    with transaction.atomic(), connection.cursor() as cursor:
        table.insert(cursor, dossier_rows)
        for child, rows in child_tables:
            batch = []
            template = [child.prepare(row) for row in rows]
            id_index, dossier_index = child.index["id"], child.index["dossier_id"]
            for i, c in enumerate(copies):
                mine = new_ids[i]
                for row, prepared_row in zip(rows, template, strict=True):
                    values = child.shifted(row, prepared_row, c.shift)
                    values[id_index] = mine[child.model][row["id"]]
                    values[dossier_index] = ids[i]
                    for k in child.to_step:
                        if row[child.fields[k].attname] is not None:
                            values[k] = mine[DossierStep][row[child.fields[k].attname]]
                    batch.append(values)
            child.insert(cursor, batch)
        models = [Dossier, *(child.model for child, _ in child_tables)]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return ids


@dataclass
class Seeded:
    """What the benchmarks look up afterwards."""

    procedure: Any
    communes: list[Any]
    weights: list[float]
    citizen: Any  # the benchmark's citizen (CITIZEN_ID), owner of some online dossiers
    count: int
    staff: dict[tuple[str, int], Any] = field(default_factory=dict)  # (role, agency id) -> user
    samples: dict[tuple[int, str], int] = field(default_factory=dict)  # (commune, channel) -> dossier id
    seconds: float = 0.0

    def officer(self, role: str, agency_id: int, on: dt.date) -> Any:
        """The first officer holding ``role`` at the agency (cached)."""
        from motcua.org import selectors as org_selectors
        from motcua.org.models import Agency

        key = (role, agency_id)
        if key not in self.staff:
            agency = Agency.objects.get(pk=agency_id)
            self.staff[key] = org_selectors.staff_with_role(role=role, agency=agency, on=on).first().user
        return self.staff[key]


def citizens(count: int) -> list[tuple[int, str, str]]:
    """``count`` citizen accounts (as the e-ID login makes them), the benchmark's citizen first."""
    from motcua.accounts.models import User

    wanted = [(CITIZEN_ID, "Phan Thị Mai")] + [(f"0462{n:08d}", f"Công dân {n}") for n in range(1, count)]
    existing = set(
        User.objects.filter(national_id__in=[w[0] for w in wanted]).values_list("national_id", flat=True)
    )
    User.objects.bulk_create(
        [
            User(username=f"cd:{number}", national_id=number, full_name=name, phone="0914000111")
            for number, name in wanted
            if number not in existing
        ],
        batch_size=BATCH,
    )
    ids = dict(User.objects.filter(national_id__in=[w[0] for w in wanted]).values_list("national_id", "pk"))
    return [(ids[number], name, number) for number, name in wanted]


def walk(
    seeded: Seeded,
    *,
    unit: Any,
    channel: str,
    applicant: tuple[int, str, str],
    now: dt.datetime,
    at_stage: Callable[[int, Any], None],
    last_stage: int,
) -> Any:
    """One dossier through the services, stage by stage; ``at_stage(stage, dossier)`` at each."""
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.dossiers import lookups, services
    from motcua.org import selectors as org_selectors
    from motcua.org.models import Role

    on = timezone.localdate(now)
    user_id, name, id_number = applicant
    data = form_data(unit_code=unit.code, name=name, id_number=id_number)
    if channel == "online":
        dossier = services.submit_online(
            applicant=User.objects.get(pk=user_id),
            procedure=seeded.procedure,
            applicant_info=services.ApplicantInfo(
                name=name, id_number=id_number, address=data["applicant_address"]
            ),
            form_data=data,
            now=now,
        )
        stage = 0
    else:
        agency = lookups.commune_committee_for(unit=unit, on=on)
        point = org_selectors.reception_points_valid_on(on=on, province_code="46", agency=agency).first()
        officer = seeded.officer(Role.RECEPTION_OFFICER, agency.pk, on)
        dossier = services.receive_at_counter(
            by=officer,
            reception_point=point,
            procedure=seeded.procedure,
            place_unit=unit,
            applicant_info=services.ApplicantInfo(name=name, id_number=id_number),
            documents=[services.DocumentInput(code="to_khai")],
            form_data=data,
            now=now,
        )
        dossier = services.accept(dossier=dossier, by=officer, now=now)
        stage = 1
    while True:
        at_stage(stage, dossier)
        if stage >= last_stage:
            return dossier
        now += dt.timedelta(minutes=10)
        if dossier.current_step is None:  # online, waiting for reception
            officer = seeded.officer(Role.RECEPTION_OFFICER, dossier.receiving_agency_id, on)
            dossier = services.accept(dossier=dossier, by=officer, now=now)
        else:
            step = dossier.current_step
            action = next(a for a in MOVES if a in step.step.actions)
            officer = seeded.officer(step.role, step.agency_id, on)
            dossier = _move(dossier=dossier, by=officer, action=action, now=now)
        stage += 1


def seed(
    *,
    count: int,
    communes: int | None = None,
    now: dt.datetime | None = None,
    citizen_pool: int | None = None,
    progress: bool = True,
    rng_seed: int = 13,
) -> Seeded:
    """Seed ``count`` dossiers (see the module's docstring); ``communes`` limits the communes used."""
    from django.db import connection, transaction
    from django.utils import timezone

    from motcua.catalog.models import Procedure
    from motcua.dossiers import lookups
    from motcua.geo.models import AdministrativeUnit

    started = time.perf_counter()
    now = now or timezone.now()
    walk_start = now - dt.timedelta(days=1)
    on = timezone.localdate(walk_start)
    procedure = Procedure.objects.get(code=PROCEDURE)
    units = [
        u
        for u in AdministrativeUnit.objects.valid_on(on)
        .filter(province_code="46", level="commune")
        .order_by("code")
        if lookups.commune_committee_for(unit=u, on=on) is not None
    ][:communes]
    weights, buckets = plan(count, len(units), seed=rng_seed)
    pool = citizens(max(citizen_pool or count // 4, 1))
    seeded = Seeded(procedure=procedure, communes=units, weights=weights, citizen=None, count=count)
    from motcua.accounts.models import User

    seeded.citizen = User.objects.get(pk=pool[0][0])
    rng = random.Random(rng_seed)
    bar = Progress("dossiers", count) if progress else None
    serial = 0

    def applicant(channel: str) -> tuple[int | None, str, str]:
        nonlocal serial
        serial += 1
        if channel == "online":
            return pool[serial % len(pool)]
        return None, f"Người nộp {serial}", f"0461{serial:08d}"

    for (index, channel), stages in sorted(buckets.items()):
        last = FINISHED if stages[FINISHED] else max(stages)

        def at_stage(
            stage: int, dossier: Any, stages: Counter[int] = stages, last: int = last, channel: str = channel
        ) -> None:
            wanted = stages[stage] - (1 if stage == last else 0)  # the walked dossier is one of the last
            if wanted <= 0:
                return
            snap = snapshot(dossier.pk)
            for start in range(0, wanted, BATCH):
                copies = []
                for _ in range(min(BATCH, wanted - start)):
                    if stage == FINISHED:
                        shift = -dt.timedelta(days=rng.uniform(1, 330))
                    else:
                        shift = -dt.timedelta(minutes=rng.uniform(0, 3 * 24 * 60))
                    who = applicant(channel)
                    copies.append(Copy(code=f"{dossier.code}-{serial:07d}", shift=shift, applicant=who))
                with transaction.atomic():
                    copy_dossiers(snap, copies)
                if bar:
                    bar.advance(len(copies))

        with transaction.atomic():
            sample = walk(
                seeded,
                unit=units[index],
                channel=channel,
                applicant=applicant(channel),
                now=walk_start,
                at_stage=at_stage,
                last_stage=last,
            )
        seeded.samples[(index, channel)] = sample.pk
        if bar:
            bar.advance(1)
    if bar:
        bar.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seeded.seconds = time.perf_counter() - started
    return seeded
