"""Running the aggregation engine over every imported account and storing what it found.

The engine decides; this module only loads accounts, calls it, and writes the outcome so that running it
twice on the same accounts writes nothing the second time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from satupintu.aggregation.engine import AggregationResult, aggregate
from satupintu.aggregation.records import AccountRecord
from satupintu.hub.audit.services import record
from satupintu.hub.groups.models import ActivationGroup, AggregationRun, Membership
from satupintu.hub.review.known import decisions_for
from satupintu.hub.vendors.models import PortalAccount

BATCH = 5000
# The record's fields up to `status` are the account's exported columns, read in the record's own order
# (the password hash is not needed to aggregate); the portal is read through its code.
_RECORD_FIELDS = [f.name for f in dataclasses.fields(AccountRecord)]
_FIELDS = tuple(
    "portal__code" if name == "portal" else name
    for name in _RECORD_FIELDS[: _RECORD_FIELDS.index("status") + 1]
)
_GROUP_FIELDS = ["npwp_canonical", "regency_code", "size", "review", "findings", "explanation"]


def load_records() -> tuple[list[AccountRecord], list[int]]:
    """Every account as an engine record, with the primary keys in the same order."""
    records: list[AccountRecord] = []
    pks: list[int] = []
    rows = PortalAccount.objects.order_by("pk").values_list("pk", *_FIELDS)
    for pk, *values in rows.iterator(chunk_size=BATCH):
        pks.append(pk)
        records.append(AccountRecord(*values))
    return records, pks


def aggregate_all(*, actor=None, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Aggregate every imported account; returns the engine's summary plus what changed in the hub."""
    records, pks = load_records()
    # The LPSE's review decisions are honoured here as at activation (decision 0007).
    result = aggregate(records, progress=progress, decisions=decisions_for(pks, among_all=True))
    with transaction.atomic():
        run = AggregationRun.objects.create()
        changes = _store(result, pks)
        summary = {**result.summary(), **changes}
        run.summary = summary
        run.finished_at = timezone.now()
        run.save()
        record("aggregation.run", run, actor, **summary)
    return summary


def _group_findings(result: AggregationResult, members: list[int]) -> str:
    found = sorted({f.value for i in members for f in result.findings[i]})
    return ";".join(found)


def _store(result: AggregationResult, pks: list[int]) -> dict[str, int]:
    wanted = {
        g.group_id: {
            "npwp_canonical": g.npwp or "",
            "regency_code": g.regency or "",
            "size": len(g.members),
            "review": g.waiting,
            "findings": _group_findings(result, g.members),
            "explanation": result.explain(g),
        }
        for g in result.groups
    }
    existing = {g.group_id: g for g in ActivationGroup.objects.all()}
    new_groups = [
        ActivationGroup(group_id=gid, **values) for gid, values in wanted.items() if gid not in existing
    ]
    ActivationGroup.objects.bulk_create(new_groups, batch_size=1000)
    changed_groups = []
    for gid, values in wanted.items():
        group = existing.get(gid)
        if group is not None and any(getattr(group, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(group, k, v)
            changed_groups.append(group)
    ActivationGroup.objects.bulk_update(changed_groups, _GROUP_FIELDS, batch_size=1000)
    group_pk = dict(ActivationGroup.objects.values_list("group_id", "pk"))

    current = {m.account_id: m for m in Membership.objects.all()}
    new_members, changed_members = [], []
    for i, pk in enumerate(pks):
        values = {
            "group_id": group_pk[result.groups[result.group_of[i]].group_id],
            "role": result.roles[i].value,
            "findings": ";".join(result.findings[i]),
        }
        membership = current.get(pk)
        if membership is None:
            new_members.append(Membership(account_id=pk, **values))
        elif any(getattr(membership, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(membership, k, v)
            changed_members.append(membership)
    Membership.objects.bulk_create(new_members, batch_size=1000)
    Membership.objects.bulk_update(changed_members, ["group_id", "role", "findings"], batch_size=1000)
    removed = _delete_stale_groups(set(wanted))
    return {
        "groups_created": len(new_groups),
        "groups_changed": len(changed_groups),
        "groups_removed": removed,
        "memberships_created": len(new_members),
        "memberships_changed": len(changed_members),
    }


def _delete_stale_groups(wanted: set[str]) -> int:
    # A long IN list does not fit every database's parameter limit: delete by primary key in batches.
    stale = [pk for pk, gid in ActivationGroup.objects.values_list("pk", "group_id") if gid not in wanted]
    removed = 0
    for start in range(0, len(stale), BATCH):
        removed += ActivationGroup.objects.filter(pk__in=stale[start : start + BATCH]).delete()[0]
    return removed
