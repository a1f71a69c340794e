"""Benchmark: how long the catalog verifier takes for 2,000 procedures × Huế's 40 communes.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/catalog_verify.py [--procedures 2000]``
(add ``DATABASE_URL=postgres://...`` to measure on PostgreSQL). It builds a throw-away test
database with Huế's geography, the demo organization and the sample catalog, clones the sample
procedures up to the requested count, then times ``verify()`` for one date and prints the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from hue_world import hue_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")


def clone_catalog(target: int) -> int:
    """Copy the published sample procedures (rules, version, documents, workflow) until ``target`` exist."""
    from motcua.catalog.models import (
        CompetenceRule,
        Procedure,
        ProcedureVersion,
        RequiredDocument,
        Transition,
        Workflow,
        WorkflowStep,
    )

    samples = list(
        Procedure.objects.prefetch_related(
            "competence_rules", "versions__documents", "versions__workflow__steps__transitions"
        )
    )
    missing = target - len(samples)
    for start in range(0, max(missing, 0), 250):
        batch = [samples[(start + i) % len(samples)] for i in range(min(250, missing - start))]
        procedures = Procedure.objects.bulk_create(
            [
                Procedure(
                    code=f"9.{start + i:06d}",
                    name=f"{p.name} (bản sao {start + i})",
                    search_key=p.search_key,
                    field_id=p.field_id,
                    at_province=p.at_province,
                    at_commune=p.at_commune,
                    target=p.target,
                )
                for i, p in enumerate(batch)
            ]
        )
        rules, versions = [], []
        for i, (new, old) in enumerate(zip(procedures, batch, strict=True)):
            rules += [
                CompetenceRule(
                    procedure=new,
                    place_basis=r.place_basis,
                    scope_id=r.scope_id,
                    agency_rule=r.agency_rule,
                    agency_id=r.agency_id,
                    valid_from=r.valid_from,
                    valid_to=r.valid_to,
                )
                for r in old.competence_rules.all()
            ]
            v = old.versions.all()[0]
            versions.append(
                ProcedureVersion(
                    procedure=new,
                    number=1,
                    status=v.status,
                    valid_from=v.valid_from,
                    valid_to=v.valid_to,
                    time_limit_amount=v.time_limit_amount,
                    time_limit_unit=v.time_limit_unit,
                    same_day_cutoff=v.same_day_cutoff,
                    online_level=v.online_level,
                    location_independent=v.location_independent,
                    result_name=v.result_name,
                    fee_rules=v.fee_rules,
                    # A distinct form per clone, so that the meta-schema check is not served from the cache.
                    form_schema={**v.form_schema, "title": f"Tờ khai 9.{start + i:06d}"},
                    ui_schema=v.ui_schema,
                    source=v.source,
                )
            )
        CompetenceRule.objects.bulk_create(rules)
        versions = ProcedureVersion.objects.bulk_create(versions)
        docs, workflows = [], []
        for new, old in zip(versions, batch, strict=True):
            v = old.versions.all()[0]
            docs += [
                RequiredDocument(
                    version=new,
                    code=d.code,
                    name=d.name,
                    originals=d.originals,
                    copies=d.copies,
                    mandatory=d.mandatory,
                    reuse=d.reuse,
                    reuse_key=d.reuse_key,
                    form_field=d.form_field,
                    order=d.order,
                )
                for d in v.documents.all()
            ]
            workflows.append(Workflow(version=new, name=v.workflow.name))
        RequiredDocument.objects.bulk_create(docs)
        workflows = Workflow.objects.bulk_create(workflows)
        pairs, steps = [], []
        for index, (new, old) in enumerate(zip(workflows, batch, strict=True)):
            for s in old.versions.all()[0].workflow.steps.all():
                steps.append(
                    WorkflowStep(
                        workflow=new,
                        code=s.code,
                        name=s.name,
                        order=s.order,
                        role=s.role,
                        performer=s.performer,
                        performer_agency_id=s.performer_agency_id,
                        allotment_hours=s.allotment_hours,
                        actions=s.actions,
                        is_initial=s.is_initial,
                    )
                )
                pairs.append((index, s))
        steps = WorkflowStep.objects.bulk_create(steps)
        clone_of = {(index, old.id): new for (index, old), new in zip(pairs, steps, strict=True)}
        transitions = [
            Transition(
                source=clone_of[index, old.id],
                action=t.action,
                target=clone_of[index, t.target_id] if t.target_id else None,
                requires_reason=t.requires_reason,
            )
            for index, old in pairs
            for t in old.transitions.all()
        ]
        Transition.objects.bulk_create(transitions)
    return Procedure.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2025, 7, 1))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with hue_database() as t0:
        from django.db import connection

        from motcua.catalog.verifier import verify

        count = clone_catalog(args.procedures)
        print(f"database: {connection.vendor}; setup {time.perf_counter() - t0:.1f} s; {count} procedures")
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = verify(on=args.date)
            timings.append(time.perf_counter() - start)
        print(
            f"verify(on={args.date}): {report.procedures} procedures × {report.communes} communes = "
            f"{report.procedures * report.communes} competence checks; {len(report.errors)} errors"
        )
        print(
            "time, first run in a process (each distinct form part checked against the 2020-12 meta-schema): "
            f"{timings[0]:.2f} s"
        )
        if len(timings) > 1:
            warm = timings[1:]
            print(
                f"time, later runs in the same process (form checks cached): best {min(warm):.2f} s, "
                f"mean {sum(warm) / len(warm):.2f} s over {len(warm)} runs"
            )
    sys.exit(0)


if __name__ == "__main__":
    main()
