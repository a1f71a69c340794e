"""Reading a free-text Vietnamese address into the 2025 commune and province it belongs to.

The address is folded into tokens (no diacritics, abbreviations expanded) and every run of up
to eight tokens inside one comma-separated part is looked up in an in-memory index of unit
names and keywords (both periods). The rightmost province names the province; a pre-2025
district, when present, narrows the pre-2025 communes; the best commune match is taken and, when
it is a pre-2025 commune, mapped to the 2025 commune that absorbed it (the default one when it
was split). Nothing is geocoded and nothing leaves the process.

It never answers confidently wrong where the text cannot tell: when the name it found is shared by
units that went to different 2025 communes (two old "Hương Phong" in Huế, a 2025 "Xã Phú Vinh" and
an old one) and no district in the text fits exactly one of them (none named, or one the data does
not hold, or one that fits neither), the answer is ``ambiguous`` with the candidates.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from django.db.models import Count, Max

from motcua.core import snapshots
from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession
from motcua.geo.text import accent_key, address_tokens, compact_key, split_parts, split_segments

REFORM_DATE = dt.date(2025, 7, 1)
_MAX_WORDS = 8
_KIND_WEIGHT = {"full": 3, "alias": 2, "short": 1}
_TYPE_WORDS = {"phuong", "xa", "thi", "tran", "dac", "khu", "quan", "huyen", "thanh", "pho", "tinh"}
_KIND_CONFIDENCE = {"full": 0.95, "alias": 0.9, "short": 0.8}


@dataclass(frozen=True)
class AddressCandidate:
    """One reading of an ambiguous address: the 2025 commune, and the older unit the text may mean."""

    commune: AdministrativeUnit
    legacy_unit: AdministrativeUnit | None


@dataclass(frozen=True)
class NormalizedAddress:
    """What an address says, read against the 2025 units.

    ``commune`` and ``province`` are 2025 units (``commune`` is None when only the province was
    recognised, or when the reading is ambiguous); ``legacy_unit`` is the pre-2025 commune the text
    named, if it named one; ``street`` is what is left of the text before the commune (house number,
    street, hamlet); ``confidence`` is in [0, 1]; ``method`` says briefly how the match was made.
    ``ambiguous`` is true when the text fits several 2025 communes and nothing in it decides; then
    ``candidates`` lists them (2025 commune + the older unit of that name) and ``province`` is their
    province when they share one, else None.
    """

    commune: AdministrativeUnit | None
    province: AdministrativeUnit | None
    legacy_unit: AdministrativeUnit | None
    street: str
    confidence: float
    method: str
    ambiguous: bool = False
    candidates: tuple[AddressCandidate, ...] = ()


@dataclass(frozen=True)
class _Entry:
    id: int
    level: str
    legacy: bool
    province_code: str
    parent_id: int | None
    kind: str


@dataclass
class _Index:
    stamp: Hashable
    by_key: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    # predecessor id -> [(successor id, partial, is_default)]
    successors: dict[int, list[tuple[int, bool, bool]]] = field(default_factory=lambda: defaultdict(list))
    # legacy province code -> 2025 province codes
    province_successors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    code_of: dict[int, str] = field(default_factory=dict)
    type_of: dict[int, str] = field(default_factory=dict)
    # compact short name ("huongphong") -> every commune-level unit of both periods carrying it
    communes_by_name: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    name_of: dict[int, str] = field(default_factory=dict)
    short_name_of: dict[int, str] = field(default_factory=dict)
    # 2025 unit id -> the pre-2025 districts its predecessors belonged to
    predecessor_parents: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    parent_of: dict[int, int | None] = field(default_factory=dict)
    # compact keys of names written with a dash ("bariavungtau", "chanmaylangco")
    hyphenated: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Match:
    segment: int
    start: int
    end: int
    entries: tuple[_Entry, ...]

    def contains(self, other: _Match) -> bool:
        """True when ``other`` lies inside this match and is shorter."""
        return (
            self.segment == other.segment
            and self.start <= other.start
            and other.end <= self.end
            and (self.end - self.start) > (other.end - other.start)
        )

    def overlaps(self, other: _Match | None) -> bool:
        return (
            other is not None
            and self.segment == other.segment
            and self.start < other.end
            and other.start < self.end
        )


_lock = threading.Lock()
_cached: _Index | None = None


def forget_index() -> None:
    """Drop the cached name index, and read the geography's token again at the next use (after a load:
    ``bulk_create`` sends no model signal)."""
    global _cached
    with _lock:
        _cached = None
    snapshots.changed()


def _stamp() -> Hashable:
    """What the index is built from: the geography's snapshot token (no query of its own: the tokens are
    read once per request or service call, and a load draws a new one); the row count and last id only
    while the domain has no token row (a database just flushed)."""
    token = snapshots.tokens().get("geo")
    if token is not None:
        return ("token", token)
    row = AdministrativeUnit.objects.aggregate(count=Count("id"), last=Max("id"))
    return ("rows", row["count"], row["last"])


def _unit(pk: int) -> AdministrativeUnit:
    from motcua.geo.selectors import unit  # the selectors import this module

    found = unit(pk=pk)
    if found is None:
        raise AdministrativeUnit.DoesNotExist(pk)
    return found


def _province(code: str, *, valid_from: dt.date | None = None) -> AdministrativeUnit | None:
    """The province coded ``code`` of the period starting ``valid_from`` (the current one when None), from
    the geography's snapshot; shared, read-only."""

    def read() -> AdministrativeUnit | None:
        units = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE)
        if valid_from is None:
            return units.filter(valid_to__isnull=True).first()
        return units.filter(valid_from=valid_from).first()

    return snapshots.remember("geo", ("geo.matching.province", code, valid_from), read)


def _build_index(stamp: Hashable) -> _Index:
    index = _Index(stamp=stamp)
    rows = AdministrativeUnit.objects.values_list(
        "id",
        "code",
        "level",
        "unit_type",
        "valid_to",
        "province_code",
        "parent_id",
        "search_key",
        "short_name",
        "aliases",
    )
    for pk, code, level, unit_type, valid_to, province_code, parent_id, key, short_name, aliases in rows:
        index.code_of[pk] = code
        index.type_of[pk] = unit_type
        if "-" in short_name:
            index.hyphenated.add(compact_key(short_name))
        index.parent_of[pk] = parent_id
        legacy = valid_to is not None
        full = key.replace(" ", "")
        short = compact_key(short_name)
        if level == Level.COMMUNE:
            index.name_of[pk] = short or full
            index.short_name_of[pk] = short_name
            index.communes_by_name[short or full].append(
                _Entry(pk, level, legacy, province_code, parent_id, "full")
            )
        kinds: dict[str, str] = {full: "full"}
        for alias in aliases or []:
            kinds.setdefault(alias, "alias")
        if short and short != full:
            kinds[short] = "short"
        for alias, kind in kinds.items():
            # Bare numbers ("Phường 1" → "1") and two-letter stubs only count with their type word.
            if kind != "full" and (alias.isdigit() or len(alias) < 3) and level != Level.PROVINCE:
                continue
            index.by_key[alias].append(_Entry(pk, level, legacy, province_code, parent_id, kind))
    for predecessor_id, successor_id, partial, is_default in UnitSuccession.objects.values_list(
        "predecessor_id", "successor_id", "partial", "is_default"
    ):
        index.successors[predecessor_id].append((successor_id, partial, is_default))
    for predecessor_id, links in index.successors.items():
        district_id = index.parent_of.get(predecessor_id)
        if district_id is not None:
            for successor_id, _partial, _default in links:
                index.predecessor_parents[successor_id].add(district_id)
    for old_code, new_code in UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE).values_list(
        "predecessor__code", "successor__code"
    ):
        index.province_successors[old_code].add(new_code)
    return index


def _index() -> _Index:
    global _cached
    stamp = _stamp()
    with _lock:
        if _cached is None or _cached.stamp != stamp:
            _cached = _build_index(stamp)
        return _cached


def _find_matches(index: _Index, segments: list[list[str]]) -> list[_Match]:
    matches: list[_Match] = []
    for number, tokens in enumerate(segments):
        for start in range(len(tokens)):
            key = ""
            for end in range(start + 1, min(len(tokens), start + _MAX_WORDS) + 1):
                key += tokens[end - 1]
                entries = index.by_key.get(key)
                if entries:
                    matches.append(_Match(number, start, end, tuple(entries)))
    return matches


def _names_a_district(match: _Match) -> bool:
    return any(entry.level == Level.DISTRICT and entry.kind == "full" for entry in match.entries)


def _segments(text: str, index: _Index) -> list[str]:
    """Split the address into its parts (``split_segments``), but keep a dash that belongs to a unit's
    name together ("Bà Rịa - Vũng Tàu", "Chân Mây - Lăng Cô")."""
    segments: list[str] = []
    for part in split_parts(text):
        pieces = split_segments(part)
        if not pieces:
            continue
        joined = [pieces[0]]
        for piece in pieces[1:]:
            left, right = joined[-1].split(), piece.split()
            across = {
                compact_key(" ".join(left[-k:] + right[:n]))
                for k in range(1, min(len(left), _MAX_WORDS) + 1)
                for n in range(1, min(len(right), _MAX_WORDS) + 1)
            }
            if across & index.hyphenated:
                joined[-1] = f"{joined[-1]} - {piece}"
            else:
                joined.append(piece)
        segments.extend(joined)
    return segments


def _rightmost(matches: list[_Match]) -> _Match | None:
    if not matches:
        return None
    return max(matches, key=lambda match: (match.segment, match.end, match.end - match.start))


def _new_provinces(index: _Index, entries: tuple[_Entry, ...]) -> set[str]:
    codes: set[str] = set()
    for entry in entries:
        if entry.legacy:
            codes |= index.province_successors.get(entry.province_code, set())
        else:
            codes.add(entry.province_code)
    return codes


def _successor(index: _Index, entry: _Entry) -> tuple[int | None, float, str]:
    """The 2025 unit a pre-2025 commune went to, with the confidence factor and method of the step."""
    links = index.successors.get(entry.id, [])
    if not links:
        return None, 0.0, "legacy-orphan"
    if len(links) == 1:
        successor_id, partial, _default = links[0]
        return successor_id, (0.9 if partial else 0.95), "legacy"
    default = next((link for link in links if link[2]), links[0])
    return default[0], 0.7, "legacy-split"


def _strip_type_words(words: list[str]) -> str:
    """Drop a dangling type word ("TT", "Phường") left between the street and the commune name."""
    while words and all(token.text in _TYPE_WORDS for token in address_tokens(words[-1])):
        words = words[:-1]
    return " ".join(words)


def normalize(text: str, *, on: dt.date | None = None) -> NormalizedAddress | None:
    """See ``motcua.geo.selectors.normalize_address``."""
    index = _index()
    raw_segments = _segments(text or "", index)
    token_segments = [address_tokens(segment) for segment in raw_segments]
    matches = _find_matches(index, [[token.text for token in tokens] for tokens in token_segments])
    if not matches:
        return None

    # A province name inside a district's full name is the district ("Vũng Tàu" in "Thành phố Vũng Tàu").
    province_match = _rightmost(
        [
            m
            for m in matches
            if any(e.level == Level.PROVINCE for e in m.entries)
            and not any(other.contains(m) and _names_a_district(other) for other in matches)
        ]
    )
    provinces: set[str] = set()
    if province_match is not None:
        provinces = _new_provinces(
            index, tuple(e for e in province_match.entries if e.level == Level.PROVINCE)
        )

    by_district = False
    if not provinces:
        # No province named: a full district name ("Quận 3") that belongs to one province names it.
        named_districts = [
            _Match(m.segment, m.start, m.end, kept)
            for m in matches
            if (kept := tuple(e for e in m.entries if e.level == Level.DISTRICT and e.kind != "short"))
        ]
        district_guess = _rightmost(named_districts)
        if district_guess is not None:
            guessed = _new_provinces(index, district_guess.entries)
            if len(guessed) == 1:
                provinces, by_district = guessed, True

    def in_province(entry: _Entry) -> bool:
        if not provinces:
            return True
        if entry.legacy:
            return bool(index.province_successors.get(entry.province_code, set()) & provinces)
        return entry.province_code in provinces

    # Names inside a longer name of the same province do not count ("Phú Vang" in "Xã Phú Vang").
    relevant = [
        _Match(m.segment, m.start, m.end, kept)
        for m in matches
        if not m.overlaps(province_match)
        and (kept := tuple(e for e in m.entries if e.level != Level.PROVINCE and in_province(e)))
    ]
    relevant = [m for m in relevant if not any(other is not m and other.contains(m) for other in relevant)]
    district_candidates = [
        _Match(m.segment, m.start, m.end, tuple(e for e in m.entries if e.level == Level.DISTRICT))
        for m in relevant
    ]
    district_match = _rightmost([m for m in district_candidates if m.entries and provinces])
    district_ids = {entry.id for entry in district_match.entries} if district_match else set()
    prefer_legacy = bool(district_ids) or (on is not None and on < REFORM_DATE)

    def fits_district(entry: _Entry) -> bool:
        """A pre-2025 commune fits the named district if it lay in it; a 2025 one if a predecessor did."""
        if entry.legacy:
            return entry.parent_id in district_ids
        return bool(index.predecessor_parents.get(entry.id, set()) & district_ids)

    scored: list[tuple[tuple[int, int, int, int], _Match, _Entry]] = []
    for match in relevant:
        if match.overlaps(district_match):
            continue
        for entry in match.entries:
            if entry.level != Level.COMMUNE:
                continue
            if not provinces and entry.kind == "short":
                continue
            in_district = int(fits_district(entry)) if district_ids else 0
            period_rank = int(entry.legacy == prefer_legacy)
            rank = (_KIND_WEIGHT[entry.kind], in_district, period_rank, match.end - match.start)
            scored.append((rank, match, entry))

    province_unit: AdministrativeUnit | None = None
    if not scored:
        if len(provinces) != 1:
            return None
        province_unit = _province(next(iter(provinces)))
        if province_unit is None:
            return None
        first_segment = province_match.segment if province_match else len(raw_segments)
        street = ", ".join(raw_segments[:first_segment])
        return NormalizedAddress(None, province_unit, None, street, 0.3, "province-only")

    best_rank = max(rank for rank, _m, _e in scored)
    best = [(match, entry) for rank, match, entry in scored if rank == best_rank]
    # Among equal names, the one nearest the province (rightmost) is the commune; earlier ones are streets.
    best_position = max((match.segment, match.end) for match, _e in best)
    best = [(match, entry) for match, entry in best if (match.segment, match.end) == best_position]
    match, entry = best[0]

    words = raw_segments[match.segment].split()
    first_word = token_segments[match.segment][match.start].word
    last_word = token_segments[match.segment][match.end - 1].word
    pool = _namesakes(index, [candidate for _m, candidate in best], in_province)
    pool = _same_spelling(index, pool, " ".join(words[first_word : last_word + 1]))
    if not district_ids and not provinces:
        # No province: a district named by its short name may still say which namesake is meant.
        loose = {
            e.id for m in matches if not m.overlaps(match) for e in m.entries if e.level == Level.DISTRICT
        }
        fitting = [c for c in pool if c.legacy and c.parent_id in loose]
        if fitting and len({_target(index, candidate) for candidate in fitting}) == 1:
            pool, district_ids = fitting, loose
    if district_ids:
        fitting = [candidate for candidate in pool if fits_district(candidate)]
        # A district is the old form of an address: an old unit of that name in it is the one meant.
        pool = [c for c in fitting if c.legacy] or fitting or pool
    if len({_target(index, candidate) for candidate in pool}) > 1:
        pool = _same_type(index, pool, entry)
    if len({_target(index, candidate) for candidate in pool}) > 1 and on is not None:
        # The day the address was written says which period's name it uses.
        period = [candidate for candidate in pool if candidate.legacy == (on < REFORM_DATE)]
        if period and len({_target(index, candidate) for candidate in period}) == 1:
            pool = period
    if entry not in pool:
        entry = next((candidate for _m, candidate in best if candidate in pool), pool[0])

    street_parts = [*raw_segments[: match.segment], _strip_type_words(words[:first_word])]
    street = ", ".join(part.strip(" ,") for part in street_parts if part.strip(" ,"))

    targets = {_target(index, candidate) for candidate in pool} - {None}
    if len(targets) > 1:
        return _ambiguous(index, pool, street=street)

    confidence = _KIND_CONFIDENCE[entry.kind]
    if entry.legacy:
        commune_id, factor, method = _successor(index, entry)
        confidence *= factor
    else:
        commune_id, method = entry.id, "new"
    if commune_id is None:
        return None
    if district_ids and not fits_district(entry):
        confidence *= 0.8
        method += "-other-district"
    if by_district:
        confidence *= 0.85
        method += "-by-district"
    elif not provinces:
        confidence *= 0.7
        method += "-no-province"

    commune = _unit(commune_id)
    province_unit = _province_of(commune)
    return NormalizedAddress(
        commune=commune,
        province=province_unit,
        legacy_unit=_unit(entry.id) if entry.legacy else None,
        street=street,
        confidence=round(min(max(confidence, 0.0), 1.0), 3),
        method=method,
    )


def _target(index: _Index, entry: _Entry) -> int | None:
    """The 2025 commune a matched unit stands for: itself, or the default successor of an old one."""
    return _successor(index, entry)[0] if entry.legacy else entry.id


def _namesakes(index: _Index, entries: list[_Entry], keep: Callable[[_Entry], bool]) -> list[_Entry]:
    """The matched units and every commune-level unit of either period with the same name (in scope)."""
    pool: dict[int, _Entry] = {entry.id: entry for entry in entries}
    for entry in entries:
        for namesake in index.communes_by_name.get(index.name_of.get(entry.id, ""), []):
            if namesake.id not in pool and keep(namesake):
                pool[namesake.id] = namesake
    return list(pool.values())


def _same_spelling(index: _Index, pool: list[_Entry], written: str) -> list[_Entry]:
    """Namesakes whose name the text spells with the same tone marks ("Thuận Hòa" is not "Thuận Hóa");
    text written without diacritics, or matching none of them, decides nothing."""
    if len(pool) < 2 or written.isascii():
        return pool
    written_key = accent_key(written)
    same = [e for e in pool if written_key.endswith(accent_key(index.short_name_of.get(e.id, "")))]
    return same or pool


def _same_type(index: _Index, pool: list[_Entry], entry: _Entry) -> list[_Entry]:
    """A type word said in full narrows the namesakes: "Phường X" or "Thị trấn X" is not a xã X (a xã
    only ever became a phường or thị trấn, never the reverse), and "xã X" is not a 2025 ward X that
    was never a xã — but it may be an old one, upgraded since the address was written."""
    if entry.kind != "full":
        return pool
    kind = index.type_of[entry.id]
    if kind == "xa":
        kept = [c for c in pool if index.type_of[c.id] == kind or c.legacy]
    else:
        kept = [c for c in pool if index.type_of[c.id] == kind]
    return kept or [entry]


def _province_of(commune: AdministrativeUnit) -> AdministrativeUnit:
    found = _province(commune.province_code, valid_from=commune.valid_from)
    if found is None:
        raise AdministrativeUnit.DoesNotExist(commune.province_code)
    return found


def _ambiguous(index: _Index, pool: list[_Entry], *, street: str) -> NormalizedAddress:
    """Several 2025 communes fit and nothing in the text decides: say so, with the candidates."""
    pairs = sorted(
        {(target, entry.id if entry.legacy else None) for entry in pool if (target := _target(index, entry))},
        key=lambda pair: (index.code_of[pair[0]], pair[1] or 0),
    )
    candidates = tuple(
        AddressCandidate(commune=_unit(target), legacy_unit=_unit(legacy) if legacy else None)
        for target, legacy in pairs
    )
    province_codes = {candidate.commune.province_code for candidate in candidates}
    province_unit = None
    if len(province_codes) == 1:
        province_unit = _province_of(candidates[0].commune)
    return NormalizedAddress(
        commune=None,
        province=province_unit,
        legacy_unit=None,
        street=street,
        confidence=0.0,
        method="ambiguous",
        ambiguous=True,
        candidates=candidates,
    )
