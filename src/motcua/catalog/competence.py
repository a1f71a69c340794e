"""Thẩm quyền giải quyết: which competence rules apply to a place.

One rule for the pages (``selectors.resolve_competent_agency``) and the verifier
(``verifier.competence``): rules scoped to the commune itself win over rules scoped to the whole
province.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# A rule's scope: (administrative unit id, scoped to a whole province?, that unit's province code).
Scope = tuple[int, bool, str]


def applicable_rules[Rule](
    rules: Sequence[Rule], *, commune_id: int | None, province_code: str, scope: Callable[[Rule], Scope]
) -> list[Rule]:
    """The rules that decide competence for a place in ``commune_id`` (None: the province as a whole)."""
    own = [rule for rule in rules if commune_id is not None and scope(rule)[0] == commune_id]
    if own:
        return own
    return [rule for rule in rules if scope(rule)[1] and scope(rule)[2] == province_code]
