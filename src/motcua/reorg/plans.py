"""Reading and validating a reorganization plan (format ``motcua-reorg/1``, ``data/plan.schema.json``).

A plan is validated on the way in, in two passes: the JSON Schema, then the references (every unit, agency,
procedure, user and reception point it names resolves; shares sum to 1; the date follows the province's
last applied plan). Every problem names its path in the document (``agencies.end[3].successors[0].agency``),
so that the administrator finds it in the YAML; nothing is saved while one remains (docs/reorg.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from motcua.accounts.models import User
from motcua.catalog.models import AgencyRule, Procedure
from motcua.core.errors import DomainError
from motcua.core.text import text_problem
from motcua.dossiers.models import Dossier
from motcua.geo.models import AdministrativeUnit
from motcua.geo.models import Level as UnitLevel
from motcua.org import services as org_services
from motcua.org.models import Agency, AgencyLevel, ReceptionPoint, Staff

from .models import Plan, PlanStatus

FORMAT = "motcua-reorg/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "plan.schema.json"
# The effective date of a plan is the date of its moment in Vietnam's time zone (the schema says so).
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A plan's effective date lies between the founding of the state (Tuyên ngôn độc lập, 2 September 1945: no
# administrative unit of the geography is older) and this many years after today: a later date is a typo
# (year 9999), and a reorganization is decided a few years ahead at most.
EARLIEST_EFFECTIVE = dt.date(1945, 9, 2)
MAX_YEARS_AHEAD = 5
# Shares of a split or of an agency's successors, when given, sum to 1 within this tolerance.
SHARE_TOLERANCE = 0.001


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan: where (a path in the document) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlanError(DomainError):
    """The plan was refused; ``problems`` lists every reason with its path. Nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "reorg.plan_invalid",
            gettext_lazy("Phương án không hợp lệ (%(count)s lỗi), không có gì được lưu:\n%(problems)s"),
            count=len(problems),
            problems="\n".join(f"  {p}" for p in problems),
        )
        self.problems = problems


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def effective_moment(document: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(document["effective_at"]))


def effective_date(document: dict[str, Any]) -> dt.date:
    """The first day of the new organization; old records end the day before (valid_to = this day)."""
    return effective_moment(document).astimezone(TZ).date()


def parse(text: str) -> Any:
    """The YAML (or JSON) text as data, or PlanError naming the line that does not parse."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("dòng %(line)s") % {"line": mark.line + 1} if mark is not None else ""
        raise PlanError([Problem(where, _("không đọc được YAML: %(error)s") % {"error": exc})]) from None


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problem(error: ValidationError) -> Problem:
    path = _path(error.absolute_path)
    value = json.dumps(error.instance, ensure_ascii=False, default=str)[:80]
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else ""
        return Problem(path, _("thiếu trường bắt buộc “%(field)s”") % {"field": missing})
    if error.validator == "additionalProperties":
        return Problem(path, _("có trường không thuộc định dạng: %(detail)s") % {"detail": error.message})
    if error.validator == "oneOf":
        return Problem(
            path,
            _("thay đổi không đúng một trong các dạng merge, split, rename, abolish: %(value)s")
            % {"value": value},
        )
    if error.validator == "const":
        return Problem(path, _("phải là “%(expected)s”") % {"expected": error.validator_value})
    if error.validator == "enum":
        return Problem(
            path,
            _("giá trị %(value)s không thuộc danh sách: %(allowed)s")
            % {"value": value, "allowed": ", ".join(map(str, error.validator_value))},
        )
    if error.validator == "type":
        return Problem(
            path,
            _("sai kiểu dữ liệu (cần %(type)s): %(value)s") % {"type": error.validator_value, "value": value},
        )
    return Problem(
        path, _("giá trị không hợp lệ (%(rule)s): %(value)s") % {"rule": error.validator, "value": value}
    )


def _control_problems(value: Any, path: tuple[Any, ...] = ()) -> list[Problem]:
    """Control characters (a NUL byte among them) in any text of the plan: PostgreSQL cannot store a NUL and
    no code, name or legal basis holds one (the schema bounds the lengths)."""
    if isinstance(value, str):
        problem = text_problem(value, max_length=len(value), multiline=True)
        return [Problem(_path(path), str(problem))] if problem is not None else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _control_problems(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _control_problems(item, (*path, i))]
    return []


def latest_effective(today: dt.date) -> dt.date:
    """The last effective date a plan validated ``today`` may have (MAX_YEARS_AHEAD years on)."""
    year = today.year + MAX_YEARS_AHEAD
    if (today.month, today.day) == (2, 29):
        return today.replace(year=year, day=28)
    return today.replace(year=year)


def date_problem(path: str, day: dt.date | None, *, today: dt.date) -> Problem | None:
    """A date of a plan outside [EARLIEST_EFFECTIVE, today + MAX_YEARS_AHEAD years] (None: out of range)."""
    latest = latest_effective(today)
    if day is not None and EARLIEST_EFFECTIVE <= day <= latest:
        return None
    return Problem(
        path,
        _(
            "ngày %(day)s nằm ngoài khoảng cho phép: từ ngày %(earliest)s đến ngày %(latest)s "
            "(không quá %(years)s năm kể từ hôm nay)"
        )
        % {
            "day": day.strftime("%d/%m/%Y") if day is not None else "?",
            "earliest": EARLIEST_EFFECTIVE.strftime("%d/%m/%Y"),
            "latest": latest.strftime("%d/%m/%Y"),
            "years": MAX_YEARS_AHEAD,
        },
    )


def check_schema(document: Any, *, today: dt.date | None = None) -> list[Problem]:
    validator = Draft202012Validator(schema())
    problems = [
        _schema_problem(e) for e in sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    ] + _control_problems(document)
    if not problems:
        try:
            moment = effective_moment(document)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            problems.append(
                Problem(
                    "effective_at", _("cần thời điểm ISO 8601 có múi giờ, ví dụ 2025-07-01T00:00:00+07:00")
                )
            )
        else:
            try:
                day: dt.date | None = moment.astimezone(TZ).date()
            except OverflowError:  # 0001-01-01T00:00+07:00 is before the first instant Python can hold
                day = None
            problem = date_problem("effective_at", day, today=today or dt.datetime.now(TZ).date())
            if problem is not None:
                problems.append(problem)
    return problems


class _References:
    """Checks the codes a plan names against the database on the day before and the effective date."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.province = document["province"]
        self.on = effective_date(document)
        self.before = self.on - dt.timedelta(days=1)
        self.problems: list[Problem] = []
        agencies = document.get("agencies") or {}
        self.opened_agencies = {a["code"]: a for a in agencies.get("open") or []}
        self.ended_agencies = {a["code"] for a in agencies.get("end") or []}
        self.renamed_units = {u["code"] for u in document.get("units") or [] if u["change"] == "rename"}
        points = document.get("reception_points") or {}
        self.opened_points = {p["code"] for p in points.get("open") or []}

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def day(self, day: dt.date) -> str:
        return day.strftime("%d/%m/%Y")

    # --- lookups ----------------------------------------------------------------------------------

    def unit(self, path: str, code: str, *, on: dt.date) -> AdministrativeUnit | None:
        unit = AdministrativeUnit.objects.valid_on(on).filter(code=code).first()
        if unit is None and not (on == self.on and code in self.renamed_units):
            self.add(
                path,
                _("không có đơn vị hành chính mã %(code)s có hiệu lực ngày %(day)s")
                % {"code": code, "day": self.day(on)},
            )
        elif unit is not None and unit.province_code != self.province and unit.level != UnitLevel.PROVINCE:
            self.add(
                path,
                _("đơn vị %(code)s (%(name)s) thuộc tỉnh %(other)s, không thuộc tỉnh %(province)s")
                % {"code": code, "name": unit.name, "other": unit.province_code, "province": self.province},
            )
        return unit

    def new_agency(self, path: str, code: str) -> None:
        """An agency in force on the effective date: existing and not ended by the plan, or opened by it."""
        if code in self.opened_agencies:
            return
        if code in self.ended_agencies:
            self.add(path, _("cơ quan mã %(code)s bị phương án này kết thúc") % {"code": code})
            return
        if not Agency.objects.valid_on(self.on).filter(code=code).exists():
            self.add(
                path,
                _("không có cơ quan mã %(code)s có hiệu lực ngày %(day)s, phương án cũng không thành lập")
                % {"code": code, "day": self.day(self.on)},
            )

    def old_agency(self, path: str, code: str) -> None:
        if not Agency.objects.valid_on(self.before).filter(code=code).exists():
            self.add(
                path,
                _("không có cơ quan mã %(code)s có hiệu lực ngày %(day)s")
                % {"code": code, "day": self.day(self.before)},
            )

    def shares(self, path: str, items: list[dict[str, Any]]) -> None:
        given = [item["share"] for item in items if "share" in item]
        if not given:
            return
        if len(given) != len(items):
            self.add(path, _("tỷ lệ phải được nêu cho tất cả hoặc không cho mục nào"))
        elif abs(sum(given) - 1) > SHARE_TOLERANCE:
            self.add(path, _("tổng tỷ lệ là %(total)s, phải bằng 1") % {"total": round(sum(given), 4)})

    # --- sections ---------------------------------------------------------------------------------

    def check(self) -> list[Problem]:
        if not AdministrativeUnit.objects.filter(code=self.province, level=UnitLevel.PROVINCE).exists():
            self.add("province", _("không có tỉnh, thành phố mã %(code)s") % {"code": self.province})
            return self.problems
        self.check_date()
        self.check_units()
        self.check_agencies()
        self.check_competence()
        self.check_staff()
        self.check_reception_points()
        self.check_office_hours()
        self.check_choices()
        return self.problems

    def check_date(self) -> None:
        later = (
            Plan.objects.filter(province_code=self.province, status=PlanStatus.APPLIED)
            .exclude(code=self.document["code"])
            .filter(effective_at__gt=effective_moment(self.document))
            .order_by("-effective_at")
            .first()
        )
        if later is not None:
            self.add(
                "effective_at",
                _("trước thời điểm của phương án %(code)s đã áp dụng (%(day)s)")
                % {"code": later.code, "day": later.effective_at.astimezone(TZ).strftime("%d/%m/%Y")},
            )

    def check_units(self) -> None:
        for i, change in enumerate(self.document.get("units") or []):
            path = f"units[{i}]"
            kind = change["change"]
            if kind == "merge":
                for j, code in enumerate(change["from"]):
                    self.unit(f"{path}.from[{j}]", code, on=self.before)
                self.unit(f"{path}.into", change["into"], on=self.on)
            elif kind == "split":
                self.unit(f"{path}.from", change["from"], on=self.before)
                for j, part in enumerate(change["into"]):
                    self.unit(f"{path}.into[{j}].code", part["code"], on=self.on)
                self.shares(f"{path}.into", change["into"])
                if sum(1 for part in change["into"] if part.get("default")) > 1:
                    self.add(f"{path}.into", _("chỉ một đơn vị kế thừa được là mặc định"))
            elif kind == "rename":
                self.unit(f"{path}.code", change["code"], on=self.before)
            else:
                self.unit(f"{path}.code", change["code"], on=self.before)

    def check_agencies(self) -> None:
        agencies = self.document.get("agencies") or {}
        for i, item in enumerate(agencies.get("open") or []):
            path = f"agencies.open[{i}]"
            existing = Agency.objects.filter(code=item["code"]).valid_on(self.on).first()
            if existing is not None and existing.valid_from != self.on:
                self.add(
                    f"{path}.code",
                    _("mã %(code)s đang được cơ quan %(name)s dùng")
                    % {"code": item["code"], "name": existing.name},
                )
            unit = self.unit(f"{path}.unit", item["unit"], on=self.on)
            if unit is not None and existing is None:
                try:  # the organization's own rules for a new agency (code shape, level of its unit)
                    org_services.check_agency(
                        code=item["code"],
                        kind=item["kind"],
                        level=item["level"],
                        unit=unit,
                        valid_from=self.on,
                    )
                except DomainError as exc:
                    self.add(path, str(exc))
            if item.get("parent"):
                self.new_agency(f"{path}.parent", item["parent"])
        seen: set[str] = set()
        for i, item in enumerate(agencies.get("end") or []):
            path = f"agencies.end[{i}]"
            if item["code"] in seen:
                self.add(f"{path}.code", _("cơ quan %(code)s được kết thúc hai lần") % {"code": item["code"]})
            seen.add(item["code"])
            self.old_agency(f"{path}.code", item["code"])
            for j, successor in enumerate(item["successors"]):
                spath = f"{path}.successors[{j}]"
                self.new_agency(f"{spath}.agency", successor["agency"])
                for k, code in enumerate(successor.get("units") or []):
                    self.unit(f"{spath}.units[{k}]", code, on=self.on)
                for k, code in enumerate(successor.get("procedures") or []):
                    self.procedure(f"{spath}.procedures[{k}]", code)
            self.shares(f"{path}.successors", item["successors"])

    def procedure(self, path: str, code: str) -> None:
        if not Procedure.objects.filter(code=code).exists():
            self.add(path, _("không có thủ tục mã %(code)s trong danh mục") % {"code": code})

    def check_competence(self) -> None:
        for i, rule in enumerate(self.document.get("competence") or []):
            path = f"competence[{i}]"
            self.procedure(f"{path}.procedure", rule["procedure"])
            self.unit(f"{path}.scope", rule["scope"], on=self.on)
            if rule["agency_rule"] == AgencyRule.NAMED:
                if not rule.get("agency"):
                    self.add(f"{path}.agency", _("quy tắc “named” cần nêu cơ quan"))
                else:
                    self.new_agency(f"{path}.agency", rule["agency"])
                    self.not_district(f"{path}.agency", rule["agency"])
            elif rule.get("agency"):
                self.add(f"{path}.agency", _("quy tắc “commune_committee” không nêu cơ quan"))

    def not_district(self, path: str, code: str) -> None:
        """A district body takes no competence (catalog.services.check_competence_rule says why)."""
        opened = self.opened_agencies.get(code)
        if (opened is not None and opened["level"] == AgencyLevel.DISTRICT) or (
            opened is None
            and Agency.objects.valid_on(self.on).filter(code=code, level=AgencyLevel.DISTRICT).exists()
        ):
            self.add(
                path,
                _(
                    "cơ quan mã %(code)s thuộc cấp huyện, không được giao thẩm quyền: không còn cấp huyện "
                    "từ 01/07/2025 (Luật Tổ chức chính quyền địa phương số 72/2025/QH15)"
                )
                % {"code": code},
            )

    def check_staff(self) -> None:
        usernames = {item["username"] for item in self.document.get("staff") or []}
        known = set(
            Staff.objects.filter(user__username__in=usernames).values_list("user__username", flat=True)
        )
        users = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        for i, item in enumerate(self.document.get("staff") or []):
            path = f"staff[{i}]"
            if item["username"] not in users:
                self.add(f"{path}.username", _("không có tài khoản %(name)s") % {"name": item["username"]})
            elif item["username"] not in known:
                self.add(
                    f"{path}.username", _("tài khoản %(name)s không phải cán bộ") % {"name": item["username"]}
                )
            self.new_agency(f"{path}.agency", item["agency"])
            point = item.get("reception_point")
            if point and point not in self.opened_points:
                found = ReceptionPoint.objects.valid_on(self.on).filter(code=point).exists()
                closed = point in set((self.document.get("reception_points") or {}).get("close") or [])
                if not found or closed:
                    self.add(
                        f"{path}.reception_point",
                        _("không có điểm tiếp nhận mã %(code)s hoạt động ngày %(day)s")
                        % {"code": point, "day": self.day(self.on)},
                    )

    def check_reception_points(self) -> None:
        points = self.document.get("reception_points") or {}
        for i, item in enumerate(points.get("open") or []):
            path = f"reception_points.open[{i}]"
            existing = ReceptionPoint.objects.filter(code=item["code"]).valid_on(self.on).first()
            if existing is not None and existing.valid_from != self.on:
                self.add(f"{path}.code", _("mã %(code)s đang được dùng") % {"code": item["code"]})
            self.new_agency(f"{path}.agency", item["agency"])
            self.unit(f"{path}.unit", item["unit"], on=self.on)
        for i, code in enumerate(points.get("close") or []):
            if not ReceptionPoint.objects.valid_on(self.before).filter(code=code).exists():
                self.add(
                    f"reception_points.close[{i}]",
                    _("không có điểm tiếp nhận mã %(code)s hoạt động ngày %(day)s")
                    % {"code": code, "day": self.day(self.before)},
                )

    def check_office_hours(self) -> None:
        for i, item in enumerate(self.document.get("office_hours") or []):
            path = f"office_hours[{i}]"
            self.new_agency(f"{path}.agency", item["agency"])
            if bool(item.get("copy_from")) == bool(item.get("intervals")):
                self.add(path, _("cần nêu một trong hai: copy_from hoặc intervals"))
            if item.get("copy_from"):
                self.old_agency(f"{path}.copy_from", item["copy_from"])
            for j, interval in enumerate(item.get("intervals") or []):
                if interval["end"] <= interval["start"]:
                    self.add(f"{path}.intervals[{j}]", _("giờ kết thúc phải sau giờ bắt đầu"))

    def check_choices(self) -> None:
        choices = self.document.get("choices") or []
        codes = {item["dossier"] for item in choices}
        found = set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))
        for i, item in enumerate(choices):
            if item["dossier"] not in found:
                self.add(f"choices[{i}].dossier", _("không có hồ sơ mã %(code)s") % {"code": item["dossier"]})
            self.unit(f"choices[{i}].unit", item["unit"], on=self.on)


def validate(document: Any, *, today: dt.date | None = None) -> dict[str, Any]:
    """The document if it is a sound plan, else PlanError with every problem and its path. Its dates (the
    effective moment: the format has no other) lie between EARLIEST_EFFECTIVE and MAX_YEARS_AHEAD years
    after ``today`` (default: today in Vietnam)."""
    problems = check_schema(document, today=today)
    if problems:
        raise PlanError(problems)
    problems = _References(document).check()
    if problems:
        raise PlanError(problems)
    return document


def read(text: str) -> dict[str, Any]:
    """Parse and validate a plan's YAML text."""
    return validate(parse(text))


def dump(document: dict[str, Any]) -> str:
    """The plan as YAML (the admin's textarea, ``reorg export``)."""
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110)
