"""The interchange document: YAML read with the line of every key, its problems, canonical values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

FORMAT = "motcua-catalog/1"
LEVELS = ("province", "commune")

# Key order inside the free-form JSON documents (form schema, UI schema, fee rules): these first,
# the rest alphabetically, so that the export does not depend on how the database stored them.
PREFERRED_KEYS = [
    "$schema",
    "$id",
    "code",
    "name",
    "title",
    "description",
    "kind",
    "type",
    "format",
    "amount",
    "expr",
    "unit",
    "when",
    "reason",
    "exemptions",
    "note",
    "legal_basis",
    "valid_from",
    "enum",
    "const",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "required",
    "properties",
    "order",
    "labels",
    "help",
    "widgets",
]
_RANK = {key: i for i, key in enumerate(PREFERRED_KEYS)}


class LineDict(dict):
    """A mapping read from YAML that remembers where it and each of its keys were."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=_("khóa '%(key)s' bị lặp") % {"key": key}, problem_mark=key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return (
            _("dòng %(line)s: %(problem)s") % {"line": self.line, "problem": self.message}
            if self.line
            else self.message
        )


class CatalogFormatError(DomainError):
    """The file cannot be imported; ``problems`` lists every problem found, with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("catalog.invalid", "\n".join(str(p) for p in self.problems))


# Resolvers turn references in the file into database keys; import passes real ones.
AgencyResolver = Callable[[str, dt.date], "tuple[str | None, str | None]"]  # ref -> (agency code, error)
UnitResolver = Callable[[str, dt.date], "str | None"]  # unit code -> error


def plain(value: Any) -> Any:
    """LineDict/LineList/dates -> plain JSON-compatible values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def canonical(value: Any) -> Any:
    """Sort the keys of free-form JSON documents in a stable order (see PREFERRED_KEYS)."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value, key=lambda k: (_RANK.get(k, len(_RANK)), k))}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def number(value: Decimal | int | float) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def compact(mapping: dict[str, Any], *, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Drop empty optional keys (None, '', [] and {}) so the file stays short and canonical."""
    return {k: v for k, v in mapping.items() if k in keep or v not in (None, "", [], {})}


def load(text: str) -> Any:
    """Parse YAML/JSON text keeping lines; a syntax error becomes a CatalogFormatError."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise CatalogFormatError(
            [Problem(line, _("cú pháp YAML: %(error)s") % {"error": exc.problem})]
        ) from None
    except yaml.YAMLError as exc:
        raise CatalogFormatError([Problem(0, _("cú pháp YAML: %(error)s") % {"error": exc})]) from None
