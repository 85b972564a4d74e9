"""File-to-file aggregation, spread over the machine's cores.

Every account of one NPWP falls in the same shard (`io.npwp_shard`), and a group never spans two NPWPs,
so each shard's groups, roles and NPWP findings are complete on their own. Each shard is read and
aggregated by a process of its own; this process then adds what looks across shards (a user ID or an
email held by several groups), checks that the group ids are unique across shards, and writes
GROUPS.csv in input order.

An account of invalid NPWP may be proposed (in review) to a group of another shard: every shard also
reads the other shards' accounts of invalid NPWP as guests and says which of its groups each would join,
and this process settles each such account as the whole-file engine would: proposed where exactly one
group in all shards qualifies and none rules it out.

Three cases are left to the single-process path, which gives the reference result: a (portal, user ID)
repeated in two shards (only a whole-file read can tell which row comes first), two groups of different
shards whose ids collide, and explanations asked for where a proposal was settled across shards (the
explanation is written by the shard that holds the group). All are rare; the outcome is the same
either way, only slower.
"""

from __future__ import annotations

import bisect
import multiprocessing
import operator
import os
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from satupintu.aggregation.engine import (
    AggregationResult,
    Finding,
    aggregate,
    group_id,
    npwp_keys,
    shared_by_several,
)
from satupintu.aggregation.io import Guest, Rejection, open_export, read_accounts, write_groups
from satupintu.aggregation.records import AccountRecord, email_key, user_id_key
from satupintu.bulk import paused_gc

# Below this many bytes a file is aggregated in one process: starting others would cost more.
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
# Findings that depend on accounts of other shards: the parent computes them over the whole file.
_ACROSS_SHARDS = (Finding.USER_ID_COLLISION, Finding.EMAIL_SHARED)
_ORDER = {f.value: k for k, f in enumerate(Finding)}


class ShardFailed(RuntimeError):
    """A shard's process failed; ``details`` holds its traceback for the log, not for the user."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


@dataclass
class FileAggregation:
    """What a file-to-file run found: counts, the rejected rows and, when asked, the explanations."""

    summary: dict[str, int]
    rejections: list[Rejection]
    explanations: list[str] = field(default_factory=list)
    shards: int = 1


@dataclass
class _Shard:
    """One shard's accounts in file order, reduced to what the parent still needs."""

    lines: list[int]
    portals: list[str]
    user_ids: list[str]
    user_id_keys: list[str]
    emails: list[str]
    npwp_keys: list[str]
    group_ids: list[str]
    roles: list[str]
    findings: list[tuple[str, ...]]
    rejections: list[Rejection]
    explanations: list[tuple[int, str]]
    # By line: this shard's accounts of invalid NPWP, and the guests, with the group each is proposed to
    # here ("" none, "?" ruled out here); see engine.AggregationResult.npwp_proposals.
    npwp_proposals: dict[int, str] = field(default_factory=dict)
    guest_proposals: dict[int, str] = field(default_factory=dict)


def _run_shard(
    path: Path, shard: tuple[int, int], explain: bool, tick: Callable[[int], None] | None
) -> _Shard:
    records, rejections, guests = [], [], []
    with open_export(path) as stream:
        for item in read_accounts(stream, shard=shard, lean=True, guests=shard[1] > 1):
            if isinstance(item, Rejection):
                rejections.append(item)
            elif isinstance(item, Guest):
                guests.append(item.record)
            else:
                records.append(item)
                if tick and len(records) % 10000 == 0:
                    tick(10000)
    if tick:
        tick(len(records) % 10000)
    result = aggregate(records, progress=tick, evidence=explain, guests=guests)
    return _reduce(result, rejections, explain, guests)


def _reduce(
    result: AggregationResult, rejections: list[Rejection], explain: bool, guests: list[AccountRecord]
) -> _Shard:
    records = result.records
    across = {f.value for f in _ACROSS_SHARDS}
    group_ids = [result.groups[g].group_id for g in result.group_of]
    explanations = []
    if explain:
        explanations = [
            (records[g.members[0]].line, result.explain(g))
            for g in result.groups
            if len(g.members) > 1 or g.review
        ]
    return _Shard(
        lines=[r.line for r in records],
        portals=[r.portal for r in records],
        user_ids=[r.user_id for r in records],
        user_id_keys=[user_id_key(r.user_id) for r in records],
        emails=[email_key(r.email) for r in records],
        npwp_keys=npwp_keys(records, result.canonical),
        group_ids=group_ids,
        roles=[role.value for role in result.roles],
        findings=[tuple(f.value for f in found if f.value not in across) for found in result.findings],
        rejections=rejections,
        explanations=explanations,
        npwp_proposals={records[i].line: code for i, code in result.npwp_proposals.items()},
        guest_proposals={
            g.line: code for g, code in zip(guests, result.guest_proposals, strict=True) if code
        },
    )


def _child(path: Path, shard: tuple[int, int], explain: bool, counter, conn) -> None:
    def tick(n: int) -> None:
        with counter.get_lock():
            counter.value += n

    try:
        with paused_gc():
            conn.send(("ok", _run_shard(path, shard, explain, tick)))
    except BaseException:  # reported to the parent, which raises it
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def default_shards() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def aggregate_file(
    source: Path,
    output: Path,
    *,
    shards: int | None = None,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
) -> FileAggregation:
    """Aggregate the accounts of ``source`` and write GROUPS.csv to ``output``.

    ``progress`` is called with counts of accounts read and then aggregated (twice the accounts in
    all). ``shards`` defaults to one per available core, and to one for small files.
    """
    count = shards or (default_shards() if source.stat().st_size >= PARALLEL_FROM_BYTES else 1)
    # Paused throughout, not only while shards run: receiving another shard's results builds millions
    # of objects too, and each collection pass then walks this shard's as well (about a second at 1M).
    with paused_gc():
        parts = _run_shards(source, count, explain, progress) if count > 1 else None
        if parts is not None and not (_combinable(parts) and _settle_proposals(parts, explain)):
            parts = None
        if parts is None:
            parts = [_run_shard(source, (0, 1), explain, progress)]
            count = 1
        return _write(parts, output, count)


def _run_shards(
    source: Path, count: int, explain: bool, progress: Callable[[int], None] | None
) -> list[_Shard]:
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    children = []
    for index in range(1, count):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(source, (index, count), explain, counter, sender), daemon=True
        )
        process.start()
        sender.close()
        children.append((process, receiver))
    reported = 0

    def tick(n: int) -> None:
        nonlocal reported
        with counter.get_lock():
            counter.value += n
            total = counter.value
        if progress:
            progress(total - reported)
        reported = total

    try:
        parts = [_run_shard(source, (0, count), explain, tick)]
        for process, receiver in children:
            try:
                status, payload = receiver.recv()
            except EOFError:  # killed, e.g. by the out-of-memory killer, before it could report
                process.join()
                raise ShardFailed(
                    f"an aggregation process ended without a result (exit code {process.exitcode})"
                ) from None
            process.join()
            if status != "ok":
                raise ShardFailed(
                    f"an aggregation process failed: {payload.strip().splitlines()[-1]}", payload
                )
            parts.append(payload)
    finally:
        for process, _ in children:
            if process.is_alive():
                process.terminate()
    if progress:
        progress(counter.value - reported)
    return parts


def _combinable(parts: list[_Shard]) -> bool:
    """False when shards must not be combined: a user ID repeated across shards, or colliding group ids."""
    accounts: set[tuple[str, str]] = set()
    owner: dict[str, int] = {}
    for number, part in enumerate(parts):
        before = len(accounts)
        accounts.update(zip(part.portals, part.user_id_keys, strict=True))
        if len(accounts) != before + len(part.portals):
            return False
        for gid in set(part.group_ids):
            if owner.setdefault(gid, number) != number:
                return False
    return True


def _settle_proposals(parts: list[_Shard], explain: bool) -> bool:
    """Settle each account of invalid NPWP as the whole-file engine would: proposed to the one group of
    any shard that qualifies, where no shard rules it out. False when the single-process path must run
    instead: explanations were asked for, or an account left alone would take a group's id."""
    elsewhere: dict[int, list[str]] = {}
    for part in parts:
        for line, code in part.guest_proposals.items():
            elsewhere.setdefault(line, []).append(code)
    changes: list[tuple[_Shard, int, str]] = []
    for part in parts:
        for line, own in part.npwp_proposals.items():
            codes = [own, *elsewhere.get(line, ())]
            found = [code for code in codes if code not in ("", "?")]
            settled = found[0] if len(found) == 1 and "?" not in codes else ""
            if settled != (own if own != "?" else ""):  # "?" here left it alone here too
                changes.append((part, line, settled))
    if not changes:
        return True
    if explain:
        return False
    taken = {gid for part in parts for gid in part.group_ids}
    for part, line, settled in changes:
        position = bisect.bisect_left(part.lines, line)  # a shard's lines are in file order
        if not settled:  # alone after all: the id its own group would have had
            settled = group_id(part.portals[position], part.user_id_keys[position], set())
            if settled in taken:
                return False
        part.group_ids[position] = settled
    return True


def _write(parts: list[_Shard], output: Path, count: int) -> FileAggregation:
    lines = [line for part in parts for line in part.lines]
    # Each shard is in file order already: sorting positions by line merges sorted runs.
    pick = operator.itemgetter(*sorted(range(len(lines)), key=lines.__getitem__)) if lines else None

    def column(name: str) -> list:
        values = [value for part in parts for value in getattr(part, name)]
        return [] if pick is None else list(pick(values)) if len(values) > 1 else values

    portals, user_ids, group_ids = column("portals"), column("user_ids"), column("group_ids")
    roles, findings = column("roles"), column("findings")
    extra: dict[int, list[str]] = {}
    for finding, keys, values in (
        (Finding.USER_ID_COLLISION, column("user_id_keys"), group_ids),
        (Finding.EMAIL_SHARED, column("emails"), column("npwp_keys")),
    ):
        for i in shared_by_several(keys, values):
            extra.setdefault(i, []).append(finding.value)
    for i, more in extra.items():
        findings[i] = tuple(sorted((*findings[i], *more), key=_ORDER.__getitem__))
    codes = [";".join(found) if found else "" for found in findings]
    with output.open("w", newline="", encoding="utf-8") as stream:
        write_groups(stream, zip(portals, user_ids, group_ids, roles, codes, strict=True))

    # Counted in C (Counter), each kind in the order it is first met, as the summary lists them.
    summary: dict[str, int] = {"accounts": len(lines)}
    sizes = Counter(group_ids)
    summary["groups"] = len(sizes)
    summary["groups_of_two_or_more"] = sum(1 for size in sizes.values() if size > 1)
    summary.update((f"role_{role}", n) for role, n in Counter(roles).items())
    codes_found = Counter(code for found in findings for code in found)
    summary.update((f"finding_{code}", n) for code, n in codes_found.items())
    rejections = sorted((r for part in parts for r in part.rejections), key=lambda r: r.line)
    explanations = [text for _, text in sorted(e for part in parts for e in part.explanations)]
    return FileAggregation(summary, rejections, explanations, count)
