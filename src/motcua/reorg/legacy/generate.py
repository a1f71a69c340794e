"""A realistic synthetic export of Huế's old one-stop system (format ``motcua-legacy/1``), for tests, the
benchmark and the demo: the old three-tier agencies (provincial departments, the district people's
committees and their divisions, the old communes' committees) built from the geography's pre-2025 units with
the codes and names ``motcua reorg_demo before-2025`` gives them (``reorg.old_agencies``), and
several years of finished dossiers with their histories and files, carrying the defects real exports have:
the same dossier exported twice (identical, or with conflicting content), files missing from ``files/``,
files whose checksum does not match, and old unit names written in variants and with typos.

Deterministic for a seed. The defects are drawn at fixed rates (``DEFECT_RATES``) and listed in the
returned ``Generated`` so that a test can check the import caught each of them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.catalog.models import CompetenceRule
from motcua.geo.models import AdministrativeUnit, Level
from motcua.geo.text import strip_diacritics
from motcua.org import demo as org_demo
from motcua.org.models import Agency, AgencyKind
from motcua.reorg import old_agencies as old
from motcua.reorg.legacy import format as fmt

REFORM_DATE = dt.date(2025, 7, 1)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SOURCE = "Hệ thống thông tin một cửa điện tử tỉnh Thừa Thiên Huế (cũ)"
DEFECT_RATES = {"duplicate": 0.01, "conflict": 0.003, "missing_file": 0.005, "bad_checksum": 0.005}
# The legacy format's kind of each old agency (fmt.AGENCY_KINDS).
_KIND: dict[str, str] = {
    AgencyKind.PEOPLES_COMMITTEE: "ubnd",
    AgencyKind.DEPARTMENT: "so",
    AgencyKind.DIVISION: "phong",
}
_STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Hùng Vương", "Nguyễn Huệ", "Đống Đa", "Phan Đình Phùng", "Chi Lăng")
_SUMMARY = "Hồ sơ %(procedure)s của %(name)s"


@dataclass
class Generated:
    """What was written, and each defect put in (old codes and attachment paths), for the tests."""

    directory: Path
    counts: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    bad_checksums: list[str] = field(default_factory=list)


def _old_agencies(province_code: str) -> list[old.OldAgency]:
    """The old organization: the departments the mergers of March 2025 ended, then the district and commune
    bodies as ``motcua reorg_demo before-2025`` builds them (reorg.old_agencies: the same codes, so that an
    import into a database holding them reuses them)."""
    units = AdministrativeUnit.objects.filter(province_code=province_code, valid_to=REFORM_DATE)
    province = units.filter(level=Level.PROVINCE).first()
    if province is None:
        raise ValueError(f"no pre-2025 province {province_code} in the geography")
    districts = list(units.filter(level=Level.DISTRICT).order_by("code"))
    communes = list(units.filter(level=Level.COMMUNE).select_related("parent").order_by("code"))
    bodies = old.old_agencies(
        districts=districts, communes=communes, province_code=province_code, province=province
    )
    # A code held here by another body would send the old dossiers to the wrong agency; the same body (made
    # by the before-2025 builder or an earlier import) is what the import reuses.
    names_here = dict(Agency.objects.filter(code__in=[b.code for b in bodies]).values_list("code", "name"))
    taken = sorted(b.code for b in bodies if b.code in names_here and names_here[b.code] != b.name)
    if taken:
        raise ValueError(f"old agency codes already used by other agencies here: {taken[:5]}")
    return bodies


def _procedures() -> tuple[list[str], list[str]]:
    """Procedure codes handled by a commune committee, and by a named department."""
    commune = sorted(
        set(
            CompetenceRule.objects.filter(agency_rule="commune_committee").values_list(
                "procedure__code", flat=True
            )
        )
    )
    named = sorted(
        set(CompetenceRule.objects.filter(agency_rule="named").values_list("procedure__code", flat=True))
    )
    return commune, named or commune


def _working_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 30)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=TZ)


def _add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    day = moment.date()
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=TZ)


def _typo(rng: random.Random, text: str) -> str:
    """The ways old unit names were typed: without diacritics, abbreviated, a letter swapped."""
    choice = rng.random()
    if choice < 0.4:
        return strip_diacritics(text)
    if choice < 0.7:
        for long, short in (("Phường ", "P. "), ("Xã ", "X. "), ("Thị trấn ", "TT. "), ("Huyện ", "H. ")):
            if text.startswith(long):
                return short + text[len(long) :]
        return text
    letters = list(text)
    k = rng.randrange(1, max(2, len(letters) - 1))
    if k < len(letters) - 1 and letters[k] != " " and letters[k + 1] != " ":
        letters[k], letters[k + 1] = letters[k + 1], letters[k]
    return "".join(letters)


def tiny_pdf(text: str) -> bytes:
    """A minimal, well-formed one-page PDF holding ``text`` (ASCII), with a correct cross-reference table."""
    safe = "".join(ch for ch in text if 32 <= ord(ch) < 127 and ch not in "()\\")
    stream = zlib.compress(f"BT /F1 10 Tf 40 800 Td ({safe}) Tj ET".encode())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def generate(
    directory: Path,
    *,
    dossiers: int = 2000,
    years: int = 3,
    seed: int = 1,
    province_code: str = "46",
    defects: float = 1.0,
) -> Generated:
    """Write an export of ``dossiers`` old dossiers received over the ``years`` before 1 July 2025, with the
    defects at ``defects`` times their usual rates (``DEFECT_RATES``; 0: a clean export)."""
    rng = random.Random(seed)
    rates = {name: rate * defects for name, rate in DEFECT_RATES.items()}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / fmt.FILES_DIR).mkdir(exist_ok=True)
    agencies = _old_agencies(province_code)
    commune_procedures, named_procedures = _procedures()
    result = Generated(directory=directory)

    in_force = set(Agency.objects.filter(valid_to__isnull=True).values_list("code", flat=True))
    agency_rows = []
    for agency in agencies:
        row = {
            "code": agency.code,
            "name": agency.name,
            "level": agency.tier,
            "kind": _KIND[agency.kind],
            "unit_code": agency.unit.code,
            "valid_from": agency.valid_from.isoformat(),
            "valid_to": REFORM_DATE.isoformat(),
        }
        if agency.parent_code:
            row["parent_code"] = agency.parent_code
        if agency.successor_code in in_force:
            row["successor_code"] = agency.successor_code
        agency_rows.append(_line(row))
    if defects:
        agency_rows.append(agency_rows[-1])  # an agency exported twice, identically (merged)

    by_level = {tier: [a for a in agencies if a.tier == tier] for tier in fmt.LEVELS}
    start = REFORM_DATE - dt.timedelta(days=365 * years)
    span = (REFORM_DATE - dt.timedelta(days=10) - start).days
    sequences: dict[tuple[str, dt.date], int] = {}
    communes_of: dict[int, list[AdministrativeUnit]] = {}
    dossier_rows: list[str] = []
    event_rows: list[str] = []
    attachment_rows: list[str] = []
    for number in range(dossiers):
        level = rng.choices(("xa", "huyen", "tinh"), weights=(70, 20, 10))[0]
        agency = rng.choice(by_level[level])
        procedure = rng.choice(named_procedures if level == "tinh" else commune_procedures)
        received = _working_moment(rng, start + dt.timedelta(days=rng.randrange(span)))
        key = (agency.code, received.date())
        sequences[key] = sequences.get(key, 0) + 1
        code = f"{agency.code}-{received:%y%m%d}-{sequences[key]:04d}"
        name = " ".join(
            rng.choice(names)
            for names in (org_demo.FAMILY_NAMES, org_demo.MIDDLE_NAMES, org_demo.GIVEN_NAMES)
        )
        place = agency.unit if agency.unit.level == Level.COMMUNE else None
        if place is None and agency.unit.level == Level.DISTRICT:
            children = communes_of.setdefault(agency.unit.pk, _old_communes_of(agency.unit))
            place = rng.choice(children) if children else None
        if place is None:  # a provincial department: the applicant lives anywhere in the province
            place = rng.choice([a.unit for a in by_level["xa"]])
        address_parts = [f"{rng.randrange(1, 300)} {rng.choice(_STREETS)}"]
        if place is not None:
            address_parts.append(_typo(rng, place.name) if rng.random() < 0.3 else place.name)
            district = place.parent
            if district is not None and district.level == Level.DISTRICT:
                address_parts.append(_typo(rng, district.name) if rng.random() < 0.2 else district.name)
        address_parts.append("Thừa Thiên Huế")
        status = rng.choices(fmt.STATUSES, weights=(90, 6, 4))[0]
        appointment = _add_working_days(received, rng.randrange(3, 16))
        events: list[dict[str, Any]] = [
            {"kind": "nop", "at": received},
            {"kind": "tiep_nhan", "at": received + dt.timedelta(minutes=5), "appointment_at": appointment},
        ]
        moment = received + dt.timedelta(minutes=5)
        for _step in range(rng.randrange(1, 3)):
            moment += dt.timedelta(hours=rng.randrange(2, 30))
            events.append({"kind": "chuyen_xu_ly", "at": moment})
        if status == "da_tra_ket_qua" and rng.random() < 0.1:
            moment += dt.timedelta(hours=rng.randrange(2, 20))
            events.append({"kind": "yeu_cau_bo_sung", "at": moment, "note": "Bổ sung bản sao giấy tờ"})
            moment += dt.timedelta(days=rng.randrange(1, 6))
            appointment = _add_working_days(moment, rng.randrange(3, 10))
            events.append({"kind": "bo_sung", "at": moment, "appointment_at": appointment})
        moment += dt.timedelta(hours=rng.randrange(2, 60))
        if status == "da_tra_ket_qua":
            events.append({"kind": "co_ket_qua", "at": moment})
            moment += dt.timedelta(hours=rng.randrange(1, 30))
            events.append({"kind": "tra_ket_qua", "at": moment})
        elif status == "tu_choi":
            events.append({"kind": "tu_choi", "at": moment, "note": "Không đủ điều kiện theo quy định"})
        else:
            events.append({"kind": "rut_ho_so", "at": moment, "note": "Công dân xin rút hồ sơ"})
        dossier = {
            "code": code,
            "procedure_code": procedure,
            "agency_code": agency.code,
            "applicant_name": name,
            "applicant_id_number": f"046{rng.randrange(10**8, 10**9)}",
            "applicant_phone": f"09{rng.randrange(10**7, 10**8)}",
            "address": ", ".join(address_parts),
            "unit_code": place.code if place is not None and rng.random() < 0.95 else "",
            "summary": _SUMMARY % {"procedure": procedure, "name": name},
            "received_at": received.isoformat(),
            "appointment_at": appointment.isoformat(),
            "finished_at": moment.isoformat(),
            "status": status,
        }
        # With defects, the first dossiers carry one of each for sure; the rest at random at the rates.
        draw = rng.random() if not (defects and number < 2) else (0.0 if number == 0 else rates["conflict"])
        if draw < rates["conflict"]:
            dossier_rows.append(_line(dossier))
            dossier_rows.append(_line({**dossier, "applicant_name": dossier["applicant_name"] + " (sửa)"}))
            result.conflicts.append(code)
        elif draw < rates["conflict"] + rates["duplicate"]:
            dossier_rows.append(_line(dossier))
            dossier_rows.append(_line(dossier))
            result.duplicates.append(code)
        else:
            dossier_rows.append(_line(dossier))
        for seq, event in enumerate(events, start=1):
            entry: dict[str, Any] = {
                "dossier_code": code,
                "seq": seq,
                "kind": event["kind"],
                "at": event["at"].isoformat(),
            }
            entry["agency_code"] = agency.code
            entry["actor"] = f"Cán bộ {rng.choice(org_demo.FAMILY_NAMES)} {rng.choice(org_demo.GIVEN_NAMES)}"
            if "appointment_at" in event:
                entry["appointment_at"] = event["appointment_at"].isoformat()
            if "note" in event:
                entry["note"] = event["note"]
            event_rows.append(_line(entry))
        files = [("submitted", "don-de-nghi")] + [("submitted", "giay-to-kem-theo")] * rng.randrange(0, 2)
        if status == "da_tra_ket_qua":
            files.append(("result", "ket-qua"))
        for index, (kind, stem) in enumerate(files, start=1):
            content = tiny_pdf(f"{code} {stem} {index}")
            path = f"{fmt.FILES_DIR}/{received:%Y/%m}/{code}/{index}-{stem}.pdf"
            listed = {
                "dossier_code": code,
                "path": path,
                "name": f"{stem}.pdf",
                "kind": kind,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
            }
            defect = rng.random()
            if defects and number in (2, 3) and index == 1:
                defect = 0.0 if number == 2 else rates["missing_file"]
            if defect < rates["missing_file"]:
                result.missing_files.append(path)
            else:
                target = directory / path
                target.parent.mkdir(parents=True, exist_ok=True)
                if defect < rates["missing_file"] + rates["bad_checksum"]:
                    content = content.replace(
                        b"%PDF-1.4", b"%PDF-1.5", 1
                    )  # altered after the export listed it
                    result.bad_checksums.append(path)
                target.write_bytes(content)
            attachment_rows.append(_line(listed))

    written = {
        fmt.AGENCIES: agency_rows,
        fmt.DOSSIERS: dossier_rows,
        fmt.EVENTS: event_rows,
        fmt.ATTACHMENTS: attachment_rows,
    }
    for name, lines in written.items():
        (directory / name).write_text("".join(lines), encoding="utf-8")
        result.counts[name] = len(lines)
    exported_at = dt.datetime.combine(REFORM_DATE - dt.timedelta(days=1), dt.time(22, 0), tzinfo=TZ)
    fmt.write_manifest(directory, source=SOURCE, exported_at=exported_at, province_code=province_code)
    return result


def _old_communes_of(district: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE, valid_to=REFORM_DATE)
        .select_related("parent")
        .order_by("code")
    )
