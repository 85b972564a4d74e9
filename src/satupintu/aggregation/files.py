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

A large file with no explanations asked for goes first to the column-wise path
(`aggregation.columnar`), which writes the same output faster; what it cannot vouch for comes back here.
"""

from __future__ import annotations

import bisect
import csv
import multiprocessing
import os
import traceback
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from satupintu.aggregation.engine import AggregationResult, Finding, aggregate, group_id, summary_of
from satupintu.aggregation.io import Guest, Rejection, group_row, open_export, read_accounts, write_groups
from satupintu.aggregation.records import AccountRecord
from satupintu.bulk import paused_gc

# Below this many bytes a file is aggregated in one process: starting others would cost more.
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
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


# Joins a column's values for the trip between processes: no field holds a NUL (the reader rejects
# such rows), and one long text crosses a pipe as one copy where a million short ones are pickled one
# by one.
_JOIN = "\x00"
_COLUMNS = ("rows", "user_id_keys", "emails", "group_ids")


@dataclass
class _Shard:
    """One shard's accounts in file order, reduced to what the parent still needs."""

    lines: list[int]
    # Each account's GROUPS.csv row, line end included, with the findings this shard could see.
    rows: list[str]
    user_id_keys: list[str]
    emails: list[str]
    group_ids: list[str]
    roles: Counter[str]
    findings: Counter[str]
    rejections: list[Rejection]
    explanations: list[tuple[int, str]]
    # By line: this shard's accounts of invalid NPWP, and the guests, with the group each is proposed to
    # here ("" none, "?" ruled out here); see engine.AggregationResult.npwp_proposals.
    npwp_proposals: dict[int, str] = field(default_factory=dict)
    guest_proposals: dict[int, str] = field(default_factory=dict)

    def send(self, conn: Connection) -> None:
        """Send this shard through a pipe: the small parts pickled, then each column as one text (see
        `_JOIN`), one at a time, so that no process holds two copies of every column at once."""
        small = {k: v for k, v in self.__dict__.items() if k not in _COLUMNS and k != "lines"}
        conn.send(("ok", small))
        conn.send_bytes(array("q", self.lines))
        for name in _COLUMNS:
            conn.send_bytes(_JOIN.join(getattr(self, name)).encode("utf-8", "surrogatepass"))
            setattr(self, name, [])

    @classmethod
    def receive(cls, small: dict, conn: Connection) -> _Shard:
        """The rest of a shard whose small parts came first (see `send`)."""
        lines = array("q")
        lines.frombytes(conn.recv_bytes())
        columns = {}
        for name in _COLUMNS:
            text = conn.recv_bytes().decode("utf-8", "surrogatepass")
            columns[name] = text.split(_JOIN) if lines else []
        return cls(lines=lines.tolist(), **columns, **small)


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
    group_ids = [result.groups[g].group_id for g in result.group_of]
    roles = [role.value for role in result.roles]
    codes = [";".join(found) for found in result.findings]
    explanations = []
    if explain:
        explanations = [
            (records[g.members[0]].line, result.explain(g))
            for g in result.groups
            if len(g.members) > 1 or g.review
        ]
    return _Shard(
        lines=[r.line for r in records],
        rows=[
            group_row(r.portal, r.user_id, gid, role, found)
            for r, gid, role, found in zip(records, group_ids, roles, codes, strict=True)
        ],
        user_id_keys=result.user_id_keys,
        emails=result.emails,
        group_ids=group_ids,
        roles=Counter(roles),
        findings=Counter(f.value for found in result.findings for f in found),
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
            part = _run_shard(path, shard, explain, tick)
    except BaseException:  # reported to the parent, which raises it
        conn.send(("error", traceback.format_exc()))
        conn.close()
        return
    # Sent outside the report of failures: once the first part has gone, the parent reads columns, and
    # a failure here leaves it an ended pipe, which it reports as a process ended without a result.
    try:
        with paused_gc():
            part.send(conn)
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
    large = source.stat().st_size >= PARALLEL_FROM_BYTES
    count = shards or (default_shards() if large else 1)
    if large and not explain:
        from satupintu.aggregation.columnar import aggregate_columns

        counted = _Counted(progress)
        outcome = aggregate_columns(source, output, workers=count, progress=counted if progress else None)
        if outcome is not None:
            return outcome
        progress = counted.after() if progress else None
    # Paused throughout, not only while shards run: receiving another shard's results builds millions
    # of objects too, and each collection pass then walks this shard's as well (about a second at 1M).
    with paused_gc():
        parts = _run_shards(source, count, explain, progress) if count > 1 else None
        settled = _settle_proposals(parts, explain) if parts is not None and _combinable(parts) else None
        if parts is None or settled is None:
            parts = [_run_shard(source, (0, 1), explain, progress)]
            count, settled = 1, []
        return _write(parts, output, count, settled)


class _Counted:
    """A progress callback that counts what it reports, so that a path that hands the file over to
    another can have that path's first reports swallowed up to the same count: the bar does not run
    past its end."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.progress, self.reported = progress, 0

    def __call__(self, n: int) -> None:
        self.reported += n
        self.progress(n)  # type: ignore[misc]

    def after(self) -> Callable[[int], None]:
        owed = self.reported

        def forward(n: int) -> None:
            nonlocal owed
            skipped = min(owed, n)
            owed -= skipped
            if n > skipped:
                self.progress(n - skipped)  # type: ignore[misc]

        return forward


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
                part = _Shard.receive(payload, receiver) if status == "ok" else None
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
            parts.append(part)
    finally:
        for process, _ in children:
            if process.is_alive():
                process.terminate()
    if progress:
        progress(counter.value - reported)
    return parts


def _combinable(parts: list[_Shard]) -> bool:
    """False when shards must not be combined: a user ID repeated across shards, or colliding group ids."""
    if _held_by_several([part.group_ids for part in parts]):
        return False
    # An account is a portal and a user ID: only user IDs held in several shards can repeat one.
    several = _held_by_several([part.user_id_keys for part in parts])
    accounts: set[tuple[str, str]] = set()
    for part in parts:
        held = {(_portal(part, i), key) for i, key in enumerate(part.user_id_keys) if key in several}
        if held & accounts:
            return False
        accounts |= held
    return True


def _portal(part: _Shard, position: int) -> str:
    """The portal code of an account, read back from its GROUPS.csv row."""
    return next(csv.reader([part.rows[position]]))[0]


def _held_by_several(columns: list[list[str]]) -> set[str]:
    """The non-empty values that occur in more than one of ``columns`` (each a shard's)."""
    sets = [set(column) for column in columns]
    several: set[str] = set()
    for k, values in enumerate(sets):
        for other in sets[k + 1 :]:
            several |= values & other
    several.discard("")
    return several


def _settle_proposals(parts: list[_Shard], explain: bool) -> list[tuple[int, int]] | None:
    """Settle each account of invalid NPWP as the whole-file engine would: proposed to the one group of
    any shard that qualifies, where no shard rules it out. Returns the accounts whose group changed (by
    shard and position), or None when the single-process path must run instead: explanations were
    asked for, or an account left alone would take a group's id."""
    elsewhere: dict[int, list[str]] = {}
    for part in parts:
        for line, code in part.guest_proposals.items():
            elsewhere.setdefault(line, []).append(code)
    changes: list[tuple[int, int, str]] = []
    for number, part in enumerate(parts):
        for line, own in part.npwp_proposals.items():
            codes = [own, *elsewhere.get(line, ())]
            found = [code for code in codes if code not in ("", "?")]
            settled = found[0] if len(found) == 1 and "?" not in codes else ""
            if settled != (own if own != "?" else ""):  # "?" here left it alone here too
                position = bisect.bisect_left(part.lines, line)  # a shard's lines are in file order
                changes.append((number, position, settled))
    if changes and explain:
        return None
    taken = set().union(*(part.group_ids for part in parts)) if changes else set()
    for number, position, settled in changes:
        part = parts[number]
        if not settled:  # alone after all: the id its own group would have had
            settled = group_id(_portal(part, position), part.user_id_keys[position], set())
            if settled in taken:
                return None
        part.group_ids[position] = settled
        # The last three fields (group id, role, findings) hold no comma.
        head, _, role, findings = part.rows[position].rsplit(",", 3)
        part.rows[position] = f"{head},{settled},{role},{findings}"
    return [(number, position) for number, position, _ in changes]


def _write(parts: list[_Shard], output: Path, count: int, settled: list[tuple[int, int]]) -> FileAggregation:
    findings = sum((part.findings for part in parts), Counter())
    for (number, position), (removed, added) in _findings_across_shards(parts, settled).items():
        part = parts[number]
        head, _, codes = part.rows[position][:-1].rpartition(",")
        before = set(codes.split(";")) if codes else set()
        found = before - removed | added
        findings.subtract(before)
        findings.update(found)
        part.rows[position] = f"{head},{';'.join(sorted(found, key=_ORDER.__getitem__))}\n"
    # Each shard's rows are in file order; placing them by line merges them.
    by_line: list[str] = [""] * (max((part.lines[-1] for part in parts if part.lines), default=0) + 1)
    for part in parts:
        for line, text in zip(part.lines, part.rows, strict=True):
            by_line[line] = text
    with output.open("w", newline="", encoding="utf-8") as stream:
        write_groups(stream, ())
        stream.write("".join(by_line))

    summary = summary_of(
        sum(len(part.lines) for part in parts),
        Counter(gid for part in parts for gid in part.group_ids).values(),
        sum((part.roles for part in parts), Counter()),
        findings,
    )
    rejections = sorted((r for part in parts for r in part.rejections), key=lambda r: r.line)
    explanations = [text for _, text in sorted(e for part in parts for e in part.explanations)]
    return FileAggregation(summary, rejections, explanations, count)


def _findings_across_shards(
    parts: list[_Shard], settled: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[set[str], set[str]]]:
    """The findings to remove and to add, by shard and position, once every shard is seen.

    A user ID held in two shards is held by two groups (group ids are unique across shards), and an
    email held in two shards by two NPWPs (an NPWP's accounts are all in one shard). Each shard found
    the keys held several times among its own accounts already. Only a user ID of an account whose
    group the parent settled is worked out again from every shard's accounts: the shards saw that
    account in another group.
    """
    changes: dict[tuple[int, int], tuple[set[str], set[str]]] = {}
    redone = {parts[number].user_id_keys[position] for number, position in settled}
    for finding, columns in (
        (Finding.USER_ID_COLLISION.value, [part.user_id_keys for part in parts]),
        (Finding.EMAIL_SHARED.value, [part.emails for part in parts]),
    ):
        several = _held_by_several(columns) if len(parts) > 1 else set()
        if finding == Finding.USER_ID_COLLISION.value:
            several -= redone
            wanted = several | redone
        else:
            wanted = several
        if not wanted:
            continue
        groups: dict[str, set[str]] = {}
        holders: list[tuple[int, int, str]] = []
        for number, keys in enumerate(columns):
            for position, key in enumerate(keys):
                if key in wanted:
                    holders.append((number, position, key))
                    if key in redone:
                        groups.setdefault(key, set()).add(parts[number].group_ids[position])
        for number, position, key in holders:
            removed, added = changes.setdefault((number, position), (set(), set()))
            if key in several or len(groups.get(key, ())) > 1:
                added.add(finding)
            else:
                removed.add(finding)
    return changes
