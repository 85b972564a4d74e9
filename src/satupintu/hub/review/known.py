"""The review decisions in the form the aggregation engine takes them (`engine.Decisions`).

Kept apart from services.py so that activation can read decisions without importing the review
services, which themselves call activation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from satupintu.aggregation.engine import Decisions
from satupintu.hub.review.models import DecisionPair, Kind


def _latest(pairs: Iterable[tuple[int, int, str]]) -> dict[frozenset[int], str]:
    """The kind of the latest decision on each pair of accounts (``pairs`` oldest first)."""
    latest: dict[frozenset[int], str] = {}
    for first, second, kind in pairs:
        if first != second:
            latest[frozenset((first, second))] = kind
    return latest


def _rows(pairs):
    return pairs.order_by("decision__decided_at", "decision_id").values_list(
        "decision__account_id", "other_id", "decision__kind"
    )


def decisions_for(pks: Sequence[int], *, among_all: bool = False) -> Decisions | None:
    """The decisions between the accounts ``pks`` (primary keys), by their positions in ``pks``; None
    when there are none. ``among_all`` reads every decision (the batch run over every account)."""
    pairs = DecisionPair.objects.all()
    if not among_all:
        pairs = pairs.filter(decision__account_id__in=pks, other_id__in=pks)
    latest = _latest(_rows(pairs))
    if not latest:
        return None
    position = {pk: i for i, pk in enumerate(pks)}
    same, different = [], []
    for pair, kind in latest.items():
        first, second = sorted(pair)
        if first in position and second in position:
            target = same if kind == Kind.SAME else different
            target.append((position[first], position[second]))
    return Decisions(same=same, different=different) if same or different else None


def partners(account_pk: int) -> set[int]:
    """The accounts that decisions relate to this one, either way."""
    # Two lookups, each on an index, in one query: an OR across the join would read every decision.
    pairs = DecisionPair.objects.values_list("decision__account_id", "other_id")
    rows = pairs.filter(decision__account_id=account_pk).union(pairs.filter(other_id=account_pk))
    found = {pk for pair in rows for pk in pair}
    found.discard(account_pk)
    return found
