"""A dossier's child rows read in the same query as the dossier: each relation as a JSON array built by a
correlated subquery (``json_group_array`` on SQLite, ``json_agg`` on PostgreSQL), turned back into model
instances and put into the prefetch cache, so that ``dossier.events.all()`` and the like read them without
a query.

Values come back as JSON text: each is converted the way the database backend would have converted the
column (``Field.to_python``; datetimes made aware on SQLite, which stores them naive in UTC; decimals
through text so that no digit is lost; JSON columns kept as JSON, not as text, on SQLite).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldError
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Expression, F, Func, OuterRef, Subquery, TextField
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from django.db.models.functions import Cast, JSONObject
from django.db.models.manager import BaseManager
from django.db.models.query import QuerySet
from django.db.models.signals import post_init, pre_init
from django.db.models.sql import Query
from django.dispatch import receiver

from motcua.core import prepared, snapshots


class _JSONColumn(Func):
    """A JSON column inside a JSON object: SQLite returns it as text unless ``json()`` marks it JSON."""

    function = ""
    template = "%(expressions)s"
    output_field = models.JSONField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="json", template="%(function)s(%(expressions)s)")


class JSONRows(Subquery):
    """``(SELECT <JSON array of the rows' column "j">)`` of a queryset that selects one JSON object per row,
    as text ('[]' when there is none)."""

    template = "(SELECT COALESCE(json_agg(_rows.j), '[]'::json)::text FROM (%(subquery)s) _rows)"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(SELECT COALESCE(json_group_array(json(_rows.j)), '[]') FROM (%(subquery)s) _rows)"
        return self.as_sql(compiler, connection, template=template, **extra)


class CappedCount(Subquery):
    """``(SELECT COUNT(*) FROM (<queryset, already sliced>))``: a count that stops at the slice's end."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _capped)"
    output_field = models.IntegerField()


@dataclass(frozen=True)
class Shape:
    """The columns of ``model`` a JSON row carries (attnames; empty: every concrete column) and the rows its
    foreign keys point to, read with it (``related``: field name → shape)."""

    model: type[models.Model]
    fields: tuple[str, ...] = ()
    related: Mapping[str, Shape] = field(default_factory=dict)
    # Foreign keys to reference rows (agencies, staff, workflow steps...) taken from their domain's in-process
    # snapshot by primary key instead of joined by the query (field name → ``core.snapshots`` domain): the
    # database then builds no join and no JSON object for them, and the page no instance (``shared_row``).
    shared: Mapping[str, str] = field(default_factory=dict)

    def columns(self) -> list[models.Field[Any, Any]]:
        concrete = self.model._meta.concrete_fields
        if not self.fields:
            return list(concrete)
        wanted = set(self.fields) | {self.model._meta.pk.attname}
        wanted |= {self.model._meta.get_field(name).attname for name in self.shared}  # type: ignore[union-attr]
        return [f for f in concrete if f.attname in wanted]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").fullmatch


class _Key(Expression):
    """A JSON object's key (a field name) written into the SQL as a literal rather than passed as a
    parameter: a dossier page's query would otherwise carry hundreds of parameters, which the database
    driver converts on every execution and a prepared statement would have to be sent each time."""

    output_field = TextField()

    def __init__(self, name: str) -> None:
        if not _NAME(name):
            raise ValueError(f"not a field name: {name!r}")
        super().__init__()
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return f"'{self.name}'", ()


class _Object(JSONObject):
    """``JSONObject`` whose keys are literals (``_Key``)."""

    def __init__(self, **fields: Any) -> None:
        expressions: list[Any] = []
        for key, value in fields.items():
            expressions.extend((_Key(key), value))
        Func.__init__(self, *expressions)


def json_object(shape: Shape, prefix: str = "") -> JSONObject:
    """One row of ``shape`` as a JSON object (related rows nested under their field name)."""
    items: dict[str, Any] = {}
    for column in shape.columns():
        path = prefix + column.attname
        if isinstance(column, models.DecimalField):
            items[column.attname] = Cast(F(path), TextField())
        elif isinstance(column, models.JSONField):
            items[column.attname] = _JSONColumn(F(path))
        else:
            items[column.attname] = F(path)
    for name, related in shape.related.items():
        items[name] = json_object(related, f"{prefix}{name}__")
    return _Object(**items)


def shared_row(model: type[models.Model], domain: str, pk: Any) -> Any:
    """The row ``pk`` of ``model`` from ``domain``'s snapshot (``core.snapshots``): every row of the table,
    read once per process while the domain is unchanged, shared between requests (read-only). A row the
    snapshot lacks (none such, or written by this unit of work behind its back) is read by itself."""
    if pk is None:
        return None
    rows = snapshots.remember(domain, ("json_rows.shared_rows", model._meta.label), lambda: _all_rows(model))
    found = rows.get(pk)
    if found is None:
        found = model._base_manager.filter(pk=pk).first()
    return found


def _all_rows(model: type[models.Model]) -> dict[Any, models.Model]:
    return {row.pk: row for row in model._base_manager.order_by()}


def json_rows(queryset: models.QuerySet[Any], shape: Shape) -> JSONRows:
    """The rows of ``queryset`` (in its order) as one JSON array, for ``annotate``."""
    return JSONRows(queryset.annotate(j=json_object(shape)).values("j"))


_compiled: dict[tuple[Hashable, str], dict[str, tuple[str, tuple[Any, ...]]]] = {}


def compiled(
    key: Hashable,
    model: type[models.Model],
    build: Callable[[], Mapping[str, Any]],
    using: str = "default",
) -> dict[str, RawSQL]:
    """Subqueries correlated with ``model``'s outer row only (no value of their own, such as the children of
    a dossier), compiled to SQL once per process and database and reused as ``RawSQL`` annotations: building
    and compiling them costs more Python than the rest of a page. ``key`` names what ``build`` returns."""
    found = _compiled.get((key, using))
    if found is None:
        query = Query(model)
        compiler = query.get_compiler(using)
        found = {}
        for name, expression in build().items():
            sql, params = compiler.compile(expression.resolve_expression(query))
            found[name] = (sql, tuple(params))
        _compiled[(key, using)] = found
    return {name: RawSQL(sql, params, output_field=TextField()) for name, (sql, params) in found.items()}


def forget_compiled(key: Hashable) -> None:
    """Compile ``key``'s subqueries afresh at their next use (what they read has changed)."""
    for found in [k for k in _compiled if k[0] == key]:
        del _compiled[found]


def select(using: str = "default", **expressions: Any) -> dict[str, Any]:
    """``SELECT <e1>, <e2>, …``: several uncorrelated subqueries (``JSONRows``, ``CappedCount``, sums of
    them) answered in one round trip, by name (None for a subquery whose condition can match nothing)."""
    return run_select(compile_select(using, **expressions), using)


# The names, SQL and parameters of a ``select``, compiled (``compile_select``).
CompiledSelect = tuple[tuple[str, ...], str, tuple[Any, ...]]


def compile_select(using: str = "default", **expressions: Any) -> CompiledSelect:
    """The names, SQL and parameters of ``select(**expressions)``, to run later with ``run_select`` (a caller
    may keep them: compiling costs more Python than the query)."""
    query = Query(None)
    compiler = query.get_compiler(using)
    parts, params = [], []
    for expression in expressions.values():
        try:
            sql, found = compiler.compile(expression.resolve_expression(query))
        except EmptyResultSet:  # a condition that matches nothing (``pk__in=[]``): no rows, no query
            sql, found = "NULL", []
        parts.append(sql)
        params.extend(found)
    return tuple(expressions), "SELECT " + ", ".join(parts), tuple(params)


def join_selects(*compiled: CompiledSelect) -> CompiledSelect:
    """Several compiled ``select``s as one (their names must differ): one round trip instead of several."""
    names = tuple(name for c in compiled for name in c[0])
    if len(set(names)) != len(names):
        raise ValueError(f"the selects share a name: {names}")
    return (
        names,
        "SELECT " + ", ".join(c[1].removeprefix("SELECT ") for c in compiled),
        sum((c[2] for c in compiled), ()),
    )


def run_select(compiled: CompiledSelect, using: str = "default") -> dict[str, Any]:
    """A compiled ``select`` answered (a prepared statement on PostgreSQL: ``core.prepared``)."""
    names, sql, params = compiled
    row = prepared.fetchone(sql, params, using)
    return dict(zip(names, row or (None,) * len(names), strict=True))


def _value(column: models.Field[Any, Any], raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(column, models.DecimalField):
        return decimal.Decimal(str(raw)).quantize(decimal.Decimal(1).scaleb(-column.decimal_places))
    if isinstance(column, models.JSONField):
        return raw
    value = column.to_python(raw)
    if isinstance(value, dt.datetime) and settings.USE_TZ and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without the offset
    return value


# Fields whose JSON value is already what the model holds when it has this Python type (text, integers):
# no conversion, no call. Anything else goes through ``_value``.
_AS_IS: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.EmailField: str,
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
}


def _kept_as(column: models.Field[Any, Any]) -> type | None:
    target = column.target_field if isinstance(column, models.ForeignKey) else column
    return _AS_IS.get(type(target))


# Per shape (by identity: shapes are module constants): attnames, the pk's attname, each column with the
# type its JSON value keeps as is (None: convert).
_plans: dict[int, tuple[Shape, list[str], str, list[tuple[models.Field[Any, Any], str, type | None]]]] = {}


def _plan(shape: Shape) -> tuple[list[str], str, list[tuple[models.Field[Any, Any], str, type | None]]]:
    found = _plans.get(id(shape))
    if found is None or found[0] is not shape:
        if len(_plans) >= 1000:  # shapes made on the fly: start afresh rather than grow
            _plans.clear()
        columns = shape.columns()
        found = _plans[id(shape)] = (
            shape,
            [c.attname for c in columns],
            shape.model._meta.pk.attname,
            [(c, c.attname, _kept_as(c)) for c in columns],
        )
    return found[1], found[2], found[3]


def _plain(model: type[models.Model]) -> bool:
    """Whether ``model`` is built by Django's own ``__init__``/``from_db`` and nothing listens to its
    construction (``pre_init``/``post_init``): then ``_from_db`` may skip ``__init__``."""
    found = _plain_models.get(model)
    if found is None:
        found = _plain_models[model] = (
            model.__init__ is models.Model.__init__
            and model.from_db.__func__ is models.Model.from_db.__func__  # type: ignore[attr-defined]
            and not pre_init.has_listeners(model)
            and not post_init.has_listeners(model)
        )
    return found


_plain_models: dict[type[models.Model], bool] = {}


def _from_db(model: type[models.Model], db: str, names: list[str], values: list[Any]) -> models.Model:
    """``model.from_db(db, names, values)``: what Django's ``__init__`` leaves, its field values in the
    instance's ``__dict__`` (a left-out column is deferred: absent) and its state loaded from ``db``, without
    the ~10 µs of its generic argument handling (a page builds dozens of child rows)."""
    if not _plain(model):
        return model.from_db(db, names, values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding = False
    state.db = db
    obj.__dict__.update(zip(names, values, strict=True))
    return obj


def instance(shape: Shape, row: Mapping[str, Any], db: str) -> models.Model | None:
    """The model instance a JSON object describes (None when its primary key is null: no related row).
    Columns the shape leaves out are deferred."""
    return _builder(shape)(row, db)


# A function per shape (by identity, as ``_plans``) that builds its instances: written out column by column
# once per process (``_write_builder``), since a page builds dozens of rows and the generic loop over the
# shape's columns, with a call per value, cost more than the values themselves.
_builders: dict[int, tuple[Shape, Callable[[Mapping[str, Any], str], models.Model | None]]] = {}


@receiver(setting_changed)
def _forget_builders(*, setting: str, **kwargs: Any) -> None:
    if setting == "USE_TZ":  # written into the builders
        _builders.clear()


def _builder(shape: Shape) -> Callable[[Mapping[str, Any], str], models.Model | None]:
    found = _builders.get(id(shape))
    if found is None or found[0] is not shape:
        if len(_builders) >= 1000:  # shapes made on the fly: start afresh rather than grow
            _builders.clear()
        found = _builders[id(shape)] = (shape, _write_builder(shape))
    return found[1]


def _write_builder(shape: Shape) -> Callable[[Mapping[str, Any], str], models.Model | None]:
    """``instance`` for ``shape`` as straight-line Python: each column read from the JSON object, kept as is
    when it has the type the model holds (text, integers) and converted by ``_value`` otherwise, the
    instance made as ``_from_db`` makes it, the related rows built by their own builders."""
    names, pk, columns = _plan(shape)
    model = shape.model
    scope: dict[str, Any] = {
        "model": model,
        "ModelState": ModelState,
        "from_db": model.from_db,
        "value": _value,
        "names": names,
        "empty": {},
        "fromisoformat": dt.datetime.fromisoformat,
        "use_tz": settings.USE_TZ,
        "UTC": dt.UTC,
    }
    lines = ["def build(row, db):", "    get = row.get", f"    v_pk = get({pk!r})", "    if v_pk is None:"]
    lines.append("        return None")
    values = []
    for n, (column, name, kept) in enumerate(columns):
        scope[f"c{n}"] = column
        var = "v_pk" if name == pk else f"v{n}"
        if name != pk:
            lines.append(f"    {var} = get({name!r})")
        if kept is not None:
            scope[f"t{n}"] = kept
            lines.append(f"    if {var} is not None and type({var}) is not t{n}:")
            lines.append(f"        {var} = value(c{n}, {var})")
        elif type(column) is models.DateTimeField:
            # ``to_python`` of an ISO text is ``fromisoformat`` (``parse_datetime``); the rest as ``_value``.
            lines += [
                f"    if {var} is not None:",
                f"        if type({var}) is str:",
                "            try:",
                f"                {var} = fromisoformat({var})",
                "            except ValueError:",
                f"                {var} = value(c{n}, {var})",
                f"            if {var}.tzinfo is None and use_tz:",
                f"                {var} = {var}.replace(tzinfo=UTC)",
                "        else:",
                f"            {var} = value(c{n}, {var})",
            ]
        else:
            lines.append(f"    if {var} is not None:")
            lines.append(f"        {var} = value(c{n}, {var})")
        values.append((name, var))
    if _plain(model):
        lines += [
            "    obj = model.__new__(model)",
            "    state = obj._state = ModelState()",
            "    state.adding = False",
            "    state.db = db",
            "    obj.__dict__.update({" + ", ".join(f"{name!r}: {var}" for name, var in values) + "})",
        ]
    else:
        lines.append("    obj = from_db(db, names, [" + ", ".join(var for _name, var in values) + "])")
    if shape.related or shape.shared:
        lines.append("    cache = obj._state.fields_cache")
        for n, (name, related) in enumerate(shape.related.items()):
            scope[f"r{n}"] = _builder(related)
            lines.append(f"    cache[{name!r}] = r{n}(get({name!r}) or empty, db)")
        variables = dict(values)
        for n, (name, domain) in enumerate(shape.shared.items()):
            fk = model._meta.get_field(name)
            if not isinstance(fk, models.ForeignKey) or domain not in snapshots.DOMAINS:
                raise ValueError(f"{model.__name__}.{name} is no foreign key to a row of a snapshot domain")
            scope[f"s{n}"] = functools.partial(shared_row, fk.related_model, domain)
            lines.append(f"    cache[{name!r}] = s{n}({variables[fk.attname]})")
    lines.append("    return obj")
    exec(compile("\n".join(lines), f"<json_rows builder {model._meta.label}>", "exec"), scope)
    return scope["build"]  # type: ignore[no-any-return]


def instances(shape: Shape, text: str | None, db: str, order: Iterable[str] = ()) -> list[Any]:
    """The instances of a JSON array read by ``json_rows``, sorted by ``order`` (attnames, "-" for
    descending): the SQL aggregate's order is not guaranteed by either database."""
    build = _builder(shape)
    found = [build(row, db) for row in json.loads(text or "[]")]
    for key in reversed(tuple(order)):
        name = key.lstrip("-")
        found.sort(key=lambda o: _sort_key(getattr(o, name)), reverse=key.startswith("-"))
    return found


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


def prefetched(owner: models.Model, accessor: str, rows: list[Any]) -> None:
    """Put ``rows`` into ``owner``'s prefetch cache for the reverse relation ``accessor`` (``owner.<accessor>
    .all()`` then reads them), each row pointing back to ``owner``.

    The queryset cached is the one Django's related manager would build (``_apply_rel_filters``: the owner
    as hint, the filter on the owner deferred until the query is read, the owner as known related object),
    made directly from a plan worked out once per (model, accessor): building the manager and cloning its
    query cost ~18 µs a relation, ten times a dossier page. Relations the plan cannot mirror exactly (a
    default manager with its own ``get_queryset``, a foreign key on several columns), an unsaved owner, a
    null target value and an owner whose cache already holds the relation go through the manager."""
    key = (type(owner), accessor)
    plan = _prefetch_plans.get(key, _UNPLANNED)
    if plan is _UNPLANNED:
        plan = _prefetch_plans[key] = _prefetch_plan(type(owner), accessor)
    if plan is None:
        _prefetched_by_manager(owner, accessor, rows)
        return
    fk, name, model, queryset_class, cache_name, target = plan
    state = owner.__dict__
    cache = state.get("_prefetched_objects_cache")
    # The manager's order: a ValueError for an unsaved owner, the queryset already cached, ``none()`` for a
    # null (or, on Oracle, empty) target value.
    saved = owner._is_pk_set()  # type: ignore[attr-defined]
    if not saved or (cache is not None and cache_name in cache):
        _prefetched_by_manager(owner, accessor, rows)
        return
    value = state[target] if target in state else getattr(owner, target)
    if value is None or value == "":
        _prefetched_by_manager(owner, accessor, rows)
        return
    for row in rows:
        row._state.fields_cache[name] = owner
    queryset = queryset_class(model=model, hints={"instance": owner})
    queryset._deferred_filter = (False, (), {name: owner})
    queryset._known_related_objects = {fk: {value: owner}}
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if cache is None:
        cache = state["_prefetched_objects_cache"] = {}
    cache[cache_name] = queryset


def _prefetched_by_manager(owner: models.Model, accessor: str, rows: list[Any]) -> None:
    """``prefetched`` through Django's related manager (its own queryset, cloned)."""
    manager = getattr(owner, accessor)
    back = manager.field.name
    for row in rows:
        row._state.fields_cache[back] = owner
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    cache = owner.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.prefetch_cache_name if hasattr(manager, "prefetch_cache_name") else accessor] = queryset


# What ``prefetched`` needs of a reverse relation: the foreign key, its name, the related model, its default
# manager's queryset class, the prefetch cache's key, the owner's attname the key points to.
_PrefetchPlan = tuple[
    models.ForeignKey[Any, Any], str, type[models.Model], type[models.QuerySet[Any]], str, str
]
_UNPLANNED: Any = object()
# By (owner model, accessor); None: through the manager. Plans never change in a process (models do not).
_prefetch_plans: dict[tuple[type[models.Model], str], _PrefetchPlan | None] = {}


def _plain_manager(manager_class: type[Any]) -> bool:
    """Whether a related manager made on ``manager_class`` builds its queryset as Django's own does:
    ``queryset_class(model=…, using=None, hints={})``, then a deferred ``filter`` on a clone."""
    queryset_class = getattr(manager_class, "_queryset_class", None)
    if queryset_class is None or not issubclass(queryset_class, QuerySet):
        return False
    return (
        manager_class.get_queryset is BaseManager.get_queryset
        and manager_class.__init__ is BaseManager.__init__
        and all(
            getattr(queryset_class, name) is getattr(QuerySet, name)
            for name in ("__init__", "_clone", "_chain", "filter", "_filter_or_exclude", "_add_hints")
        )
    )


def _prefetch_plan(owner_model: type[models.Model], accessor: str) -> _PrefetchPlan | None:
    """The plan of ``owner_model``'s reverse relation ``accessor``, or None when ``prefetched`` must go
    through the related manager to give the same queryset as Django."""
    descriptor = getattr(owner_model, accessor, None)
    if type(descriptor) is not ReverseManyToOneDescriptor:
        return None
    rel = descriptor.rel
    field = rel.field
    if not (
        isinstance(field, models.ForeignKey) and field.many_to_one and len(field.foreign_related_fields) == 1
    ):
        return None
    model = rel.related_model
    manager_class = type(model._default_manager)
    cache_name = field.remote_field.cache_name  # what ``RelatedManager.get_queryset`` looks up
    if not _plain_manager(manager_class) or cache_name != accessor:
        return None
    try:
        target = field.target_field.attname
    except FieldError:  # several target columns
        return None
    queryset_class = manager_class._queryset_class  # type: ignore[attr-defined]
    return field, field.name, model, queryset_class, cache_name, target


def children(owner_model: type[models.Model], accessor: str) -> models.QuerySet[Any]:
    """The rows of ``owner_model``'s reverse relation ``accessor`` that belong to the outer query's row."""
    related = owner_model._meta.get_field(accessor)
    return related.related_model._default_manager.filter(  # type: ignore[union-attr]
        **{related.field.name: OuterRef("pk")}  # type: ignore[union-attr]
    ).order_by()


__all__ = [
    "CappedCount",
    "JSONRows",
    "Shape",
    "children",
    "compiled",
    "forget_compiled",
    "instance",
    "instances",
    "join_selects",
    "json_rows",
    "prefetched",
    "select",
]
