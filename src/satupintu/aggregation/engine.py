"""The aggregation engine: which vendor accounts are one company or one branch.

The rules are those of *Agregasi Inaproc* (see docs/architecture.md and the domain notes):

- case 1: one user ID held by different vendors: each must change it (finding ``USER_ID_COLLISION``);
- case 2a: one NPWP at several portals with different addresses: different companies or branches,
  separate groups (finding ``BRANCH_SAME_NPWP``);
- case 2b: one NPWP with the same address: one *grup aktivasi*; the account with the most packages is
  elected the User ID Tunggal (role ``single``), the others are ``member`` (User ID non-tunggal).

Accounts are compared only within a block of the same canonical NPWP and the same regency code; inside
a block, each distinct normalised address is compared with every other. A group is formed only where
every pair inside it is the same place; anything undecided goes to ``review`` instead, because a false
merge hands one company's account to another.
"""

from __future__ import annotations

import enum
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from satupintu.aggregation.records import AccountRecord, email_key, user_id_key
from satupintu.bulk import paused_gc
from satupintu.core import npwp, regions
from satupintu.core.address import Comparison, ParsedAddress, Verdict, compare, names_a_street, parse


class Role(enum.StrEnum):
    SINGLE = "single"
    MEMBER = "member"
    REVIEW = "review"


class Finding(enum.StrEnum):
    """What the engine found about an account; the codes appear in GROUPS.csv and in the hub."""

    USER_ID_COLLISION = "USER_ID_COLLISION"
    NPWP_INVALID = "NPWP_INVALID"
    REGION_INVALID = "REGION_INVALID"
    BRANCH_SAME_NPWP = "BRANCH_SAME_NPWP"
    EMAIL_SHARED = "EMAIL_SHARED"
    ADDRESS_UNCERTAIN = "ADDRESS_UNCERTAIN"
    ADDRESS_MISSING = "ADDRESS_MISSING"
    POSTAL_CODE_MISMATCH = "POSTAL_CODE_MISMATCH"


# Findings that stop the engine from deciding: the account goes to review, in a group of its own.
REVIEW_FINDINGS = frozenset(
    {Finding.NPWP_INVALID, Finding.REGION_INVALID, Finding.ADDRESS_MISSING, Finding.ADDRESS_UNCERTAIN}
)
# Above this many distinct addresses for one NPWP in one regency, pairwise comparison is not attempted
# and the block goes to review: it is far beyond any real company and would only cost time.
MAX_DISTINCT_ADDRESSES = 2000
# At most this many (province, regency) writings are remembered while aggregating: a real file has a few
# thousand, and a file of odd writings must not grow the memory without bound.
_REGIONS_KEPT = 65536


@dataclass(frozen=True, slots=True)
class Evidence:
    """One comparison that shaped a group: two accounts (by index), the verdict and its reasons."""

    a: int
    b: int
    verdict: Verdict
    reasons: tuple[str, ...]


@dataclass(slots=True)
class Group:
    """A company or branch as the engine sees it: its accounts and why they are together. (The engine
    builds groups positionally, in this order of fields.)"""

    group_id: str
    members: list[int]
    npwp: str | None = None
    regency: str | None = None
    single: int | None = None
    review: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Accounts in `members` that most likely belong here but wait for review (role ``review``): their
    # region, address or NPWP is missing or unreadable, and everything else points to this group alone. They take no
    # part in electing the single and do not derive the group's id.
    proposed: list[int] = field(default_factory=list)
    # Accounts held back for their data that a person confirmed at review to be this vendor (role
    # ``member``): like proposals they are never elected and do not derive the group's id.
    confirmed: list[int] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        """Whether someone must look at this group: it is undecided, or accounts are proposed to it."""
        return self.review or bool(self.proposed)


@dataclass(slots=True)
class AggregationResult:
    records: Sequence[AccountRecord]
    groups: list[Group]
    group_of: list[int]
    roles: list[Role]
    findings: list[tuple[Finding, ...]]
    # Each account's canonical NPWP, None where it is not valid.
    canonical: list[str | None]
    # For each account of invalid NPWP held back for that alone, and for each guest (see `aggregate`):
    # the id of the one group here it is proposed to, "" for none, "?" when a group here rules any
    # proposal out (two qualify, or one only possibly).
    npwp_proposals: dict[int, str] = field(default_factory=dict)
    guest_proposals: list[str] = field(default_factory=list)
    # Each account's user ID and email as accounts are compared by them (`user_id_key`, `email_key`).
    user_id_keys: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[str, str, str, str, str]]:
        """One GROUPS.csv row per account, in input order."""
        for i, record in enumerate(self.records):
            yield (
                record.portal,
                record.user_id,
                self.groups[self.group_of[i]].group_id,
                self.roles[i].value,
                ";".join(self.findings[i]),
            )

    def summary(self) -> dict[str, int]:
        return summary_of(
            len(self.records),
            (len(g.members) for g in self.groups),
            Counter(role.value for role in self.roles),
            Counter(f.value for found in self.findings for f in found),
        )

    def explain(self, group: Group) -> str:
        """Why these accounts are one group (or why they wait for review), in plain words."""
        label = {i: f"{self.records[i].portal}/{self.records[i].user_id}" for i in group.members}
        lines = [
            f"group {group.group_id}: {len(group.members)} account(s)"
            + (", waiting for review" if group.review else "")
        ]
        if group.npwp:
            lines.append(f"  same canonical NPWP {npwp.format_display(group.npwp)}")
        if group.regency:
            regency = regions.regency_by_code(group.regency)
            lines.append(f"  same regency {regency.name if regency else '?'} ({group.regency})")
        for i in group.members:
            r = self.records[i]
            lines.append(
                f"  {self.roles[i].value:6} {label[i]}: {r.packages} package(s), registered "
                f"{r.registered_at or 'unknown'}; address '{r.address}'"
            )
        if group.single is not None and len(group.members) - len(group.proposed) > 1:
            lines.append(
                f"  {label[group.single]} is the User ID Tunggal: most packages, then earliest "
                "registration, then portal code, then user ID"
            )
        for ev in group.evidence:
            other = (
                f"{self.records[ev.b].portal}/{self.records[ev.b].user_id}"
                if ev.b not in label
                else label[ev.b]
            )
            lines.append(
                f"  {label.get(ev.a, ev.a)} vs {other}: {ev.verdict.value}: " + "; ".join(ev.reasons)
            )
        lines.extend(f"  {note}" for note in group.notes)
        return "\n".join(lines)


def summary_of(
    accounts: int, group_sizes: Iterable[int], roles: Counter[str], findings: Counter[str]
) -> dict[str, int]:
    """The counts a run reports: accounts, groups, groups of two or more, then each role and each
    finding found, in the order of `Role` and `Finding`."""
    sizes = list(group_sizes)
    counts = {
        "accounts": accounts,
        "groups": len(sizes),
        "groups_of_two_or_more": sum(1 for size in sizes if size > 1),
    }
    counts.update((f"role_{role.value}", roles[role.value]) for role in Role if roles[role.value] > 0)
    counts.update((f"finding_{f.value}", findings[f.value]) for f in Finding if findings[f.value] > 0)
    return counts


@lru_cache(maxsize=8192)
def _postal_codes(regency_code: str) -> frozenset[str]:
    regency = regions.regency_by_code(regency_code)
    return frozenset(regency.postal_codes) if regency else frozenset()


@dataclass(frozen=True, slots=True)
class Decisions:
    """What people decided at review (SOP step 7), as pairs of positions in the records.

    ``same``: the two accounts are one vendor. It settles only what the engine could not: an uncertain
    comparison of two addresses of one NPWP in one regency becomes *same place*, and an account held back
    for its own data (NPWP, region, address) joins the group of the accounts it was confirmed with. It
    never joins accounts that the comparison calls different places, nor two groups of different NPWPs.

    ``different``: the two accounts are different vendors, whatever their data says: they are never in
    one group, neither is proposed to the other's group, and a doubt between them is no doubt.

    Decisions carry over: A same as B and B different from C means A is different from C too. Where they
    contradict each other (A same as B, B same as C, A different from C), ``different`` wins and the
    ``same`` of those accounts is set aside: a false merge costs more than a missed one.
    """

    same: Collection[tuple[int, int]] = ()
    different: Collection[tuple[int, int]] = ()

    def __bool__(self) -> bool:
        return bool(self.same) or bool(self.different)


CONFIRMED_SAME = "confirmed one vendor at review"
CONFIRMED_DIFFERENT = "confirmed different vendors at review"


class _Known:
    """`Decisions` made ready for the engine: accounts confirmed as one vendor share a component, and
    components confirmed to be different vendors are apart."""

    def __init__(self, decisions: Decisions) -> None:
        component = self._components(decisions.same)
        apart = {self._pair(component, a, b) for a, b in decisions.different if a != b}
        contradicted = {c for pair in apart for c in pair if len(pair) == 1}
        if contradicted:
            # A "different" inside one component: that component's "same" decisions are set aside.
            component = {i: c for i, c in component.items() if c not in contradicted}
            apart = {self._pair(component, a, b) for a, b in decisions.different if a != b}
        self.component = component
        self.apart = apart
        self.members: dict[int, list[int]] = defaultdict(list)
        for i, c in component.items():
            self.members[c].append(i)
        # Accounts that must not share an address form with accounts they are apart from.
        self.tagged = {c for pair in apart for c in pair}
        self.involved = set(component) | {i for a, b in decisions.different for i in (a, b)}

    @staticmethod
    def _components(pairs: Collection[tuple[int, int]]) -> dict[int, int]:
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in pairs:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        return {x: find(x) for x in parent}

    @staticmethod
    def _pair(component: dict[int, int], a: int, b: int) -> frozenset[int]:
        return frozenset((component.get(a, a), component.get(b, b)))

    def comp(self, i: int) -> int:
        return self.component.get(i, i)

    def different(self, a: int, b: int) -> bool:
        return frozenset((self.comp(a), self.comp(b))) in self.apart

    def apart_from_any(self, i: int, others: Sequence[int]) -> bool:
        return self.comp(i) in self.tagged and any(self.different(i, o) for o in others)

    def same_across(self, xs: Sequence[int], ys: Sequence[int]) -> bool:
        cx = {self.component[i] for i in xs if i in self.component}
        return bool(cx) and any(self.component.get(j) in cx for j in ys)

    def touches(self, members: Sequence[int]) -> bool:
        return any(i in self.involved for i in members)

    def form_key(self, i: int, address: ParsedAddress) -> object:
        # An account apart from another gets an address form of its own (per component), so that two
        # vendors at one written address can be told apart.
        c = self.comp(i)
        return (address, c) if c in self.tagged else address

    def compare(self, xs: list[int], ys: list[int], parsed: Sequence[ParsedAddress | None]) -> Comparison:
        """The verdict on two address forms of one block, with the decisions applied."""
        if self.different(xs[0], ys[0]):
            return Comparison(Verdict.DIFFERENT, (CONFIRMED_DIFFERENT,))
        px, py = parsed[xs[0]], parsed[ys[0]]
        # One written address split only by decisions: the engine would not have compared it.
        outcome = Comparison(Verdict.SAME) if px == py else compare(px, py)  # type: ignore[arg-type]
        if outcome.verdict is Verdict.UNCERTAIN and self.same_across(xs, ys):
            return Comparison(Verdict.SAME, (*outcome.reasons, CONFIRMED_SAME))
        return outcome


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(slots=True)
class _Cluster:
    """Accounts of one block decided together, before group ids are given."""

    members: list[int]
    review: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    confirmed: list[int] = field(default_factory=list)
    group_id: str = ""  # given once every cluster is found and ordered


def cluster_block(
    members: list[int],
    parsed: Sequence[ParsedAddress | None],
    keep_evidence: bool = True,
    known: _Known | None = None,
) -> list[_Cluster]:
    """Split one (NPWP, regency) block into groups of accounts at the same place. ``known`` (review
    decisions touching this block) overrides the comparison where a person has decided."""
    forms: dict[object, list[int]] = {}
    if known is None:
        for i in members:
            forms.setdefault(parsed[i], []).append(i)
    else:
        for i in members:
            forms.setdefault(known.form_key(i, parsed[i]), []).append(i)  # type: ignore[arg-type]
    reps = list(forms.values())
    k = len(reps)
    if k == 1:
        return [_Cluster(members)]
    if k == 2 and known is None and not keep_evidence:
        # Most blocks of several writings have two: one comparison decides, with nothing to chain.
        verdict = compare(parsed[reps[0][0]], parsed[reps[1][0]]).verdict  # type: ignore[arg-type]
        if verdict is Verdict.SAME:
            return [_Cluster(reps[0] + reps[1])]
        return [_Cluster(rep, review=verdict is Verdict.UNCERTAIN) for rep in reps]
    if k > MAX_DISTINCT_ADDRESSES:
        note = f"{k} distinct addresses for one NPWP in one regency: too many to compare, review by hand"
        return [_Cluster(rep, review=True, notes=[note]) for rep in reps]
    uf = _UnionFind(k)
    verdicts: dict[tuple[int, int], Comparison] = {}
    for x in range(k):
        px = parsed[reps[x][0]]
        for y in range(x + 1, k):
            if known is None:
                outcome = compare(px, parsed[reps[y][0]])  # type: ignore[arg-type]
            else:
                outcome = known.compare(reps[x], reps[y], parsed)
            verdicts[x, y] = outcome
            if outcome.verdict is Verdict.SAME:
                uf.union(x, y)
    components: dict[int, list[int]] = defaultdict(list)
    for x in range(k):
        components[uf.find(x)].append(x)

    def verdict(x: int, y: int) -> Comparison:
        return verdicts[min(x, y), max(x, y)]

    def evidence(x: int, y: int) -> Evidence:
        outcome = verdict(x, y)
        return Evidence(reps[x][0], reps[y][0], outcome.verdict, outcome.reasons)

    clusters: list[_Cluster] = []
    uncertain_forms: set[int] = set()
    for (x, y), outcome in verdicts.items():
        if outcome.verdict is Verdict.UNCERTAIN:
            uncertain_forms.update((x, y))
    for forms_in in components.values():
        pairs = [(x, y) for i, x in enumerate(forms_in) for y in forms_in[i + 1 :]]
        conflicts = [evidence(x, y) for x, y in pairs if verdict(x, y).verdict is not Verdict.SAME]
        if conflicts and _spelled_around_centre(forms_in, pairs, verdict):
            # Two typos of one name are two letters apart while each is one letter from a third
            # writing that agrees with all of them on every number: one place, written three ways.
            conflicts = []
        if conflicts:
            # Same-place links chain A to C through B while A and C themselves are not the same place:
            # the chain cannot be trusted, so each writing waits for review on its own.
            for x in forms_in:
                clusters.append(
                    _Cluster(
                        reps[x],
                        review=True,
                        evidence=[e for e in conflicts if e.a == reps[x][0] or e.b == reps[x][0]],
                    )
                )
            continue
        members_in = [i for x in forms_in for i in reps[x]]
        review = any(x in uncertain_forms for x in forms_in)
        cluster = _Cluster(members_in, review=review)
        if keep_evidence:
            links = [evidence(x, y) for i, x in enumerate(forms_in) for y in forms_in[i + 1 :]]
            doubts = [
                evidence(x, y)
                for x in forms_in
                for y in range(k)
                if y not in forms_in and verdict(x, y).verdict is Verdict.UNCERTAIN
            ]
            cluster.evidence = links + doubts
        clusters.append(cluster)
    return clusters


def _spelled_around_centre(
    forms: list[int], pairs: list[tuple[int, int]], verdict: Callable[[int, int], Comparison]
) -> bool:
    """True when every conflict in a chained component is a spelling difference and one writing is the
    same place as every other writing."""
    if any(verdict(x, y).verdict is not Verdict.SAME and not verdict(x, y).spelling_only for x, y in pairs):
        return False
    return any(all(verdict(c, o).verdict is Verdict.SAME for o in forms if o != c) for c in forms)


def read_address(
    address: str, postal_code: str, regency: str | None, shared: bool
) -> tuple[ParsedAddress | None, Finding | None]:
    """An account's address as the engine reads it: parsed where it must be (None where not), and
    ADDRESS_MISSING or POSTAL_CODE_MISMATCH where it finds either.

    ``shared``: the account's block holds other accounts, so its address will be compared. An address
    alone in its block is parsed only to know whether it is empty or where the postal code must come
    from it: one that plainly names a street, with the postal code in its own column (or no regency to
    check it against), is not parsed at all. Parsing is half the engine's time.
    """
    if not shared and (postal_code or regency is None) and names_a_street(address):
        parsed = None
    else:
        parsed = parse(address, settle=False)
        if parsed.is_empty:
            return parsed, Finding.ADDRESS_MISSING
    if regency is not None:
        postal = postal_code or parsed.postal_code  # type: ignore[union-attr]
        codes = _postal_codes(regency)
        if postal and codes and postal not in codes:
            return parsed, Finding.POSTAL_CODE_MISMATCH
    return parsed, None


def _needs_review(found: list[Finding] | None) -> bool:
    return bool(found) and any(f in REVIEW_FINDINGS for f in found)  # type: ignore[union-attr]


def group_id(portal: str, user_key: str, taken: set[str]) -> str:
    """A stable id derived from the group's first account (portal and user ID), unique in this run."""
    digest = hashlib.blake2b(f"{portal}\x1f{user_key}".encode(), digest_size=16).hexdigest()
    size = 12
    while f"G{digest[:size]}" in taken:
        size += 2
    gid = f"G{digest[:size]}"
    taken.add(gid)
    return gid


def _elect_key(record: AccountRecord) -> tuple[int, str, str, str]:
    # Most packages first; ties: earliest registration (unknown last), then portal code, then user ID A→Z.
    return (-record.packages, record.registered_at or "\uffff", record.portal, user_id_key(record.user_id))


def elect_single(records: Sequence[AccountRecord], members: Sequence[int]) -> int:
    """The member that becomes the group's User ID Tunggal."""
    if len(members) == 1:  # most groups: nothing to compare
        return members[0]
    return min(members, key=lambda i: _elect_key(records[i]))


def aggregate(
    records: Sequence[AccountRecord],
    progress: Callable[[int], None] | None = None,
    *,
    evidence: bool = True,
    guests: Sequence[AccountRecord] = (),
    decisions: Decisions | None = None,
) -> AggregationResult:
    """Group the accounts, elect each group's single, and list every account's findings.

    ``evidence=False`` keeps only the conflicts that broke a chain of same-place links apart, not the
    comparisons that joined a group or the doubts that sent it to review, and no notes on the accounts'
    data: `AggregationResult.explain` then tells less, and a million accounts take less time and memory.

    ``guests`` are accounts of invalid NPWP aggregated elsewhere (another shard of one file): they form
    no group here, and `AggregationResult.guest_proposals` says which group here each would join.

    ``decisions`` are what people decided at review (see `Decisions`); the hub passes them wherever it
    runs the engine. The file-to-file path has none.
    """
    with paused_gc():
        return _aggregate(records, progress, evidence, guests, _Known(decisions) if decisions else None)


def _aggregate(
    records: Sequence[AccountRecord],
    progress: Callable[[int], None] | None,
    evidence: bool,
    guests: Sequence[AccountRecord],
    known: _Known | None = None,
) -> AggregationResult:
    n = len(records)
    # Most accounts have no finding: findings and notes are kept for the few that do.
    findings: dict[int, list[Finding]] = defaultdict(list)
    notes: dict[int, list[str]] = defaultdict(list)
    canonical: list[str | None] = [None] * n
    regency_of: list[str | None] = [None] * n
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    # Accounts with a valid NPWP whose region cannot be read: one may yet be proposed to a group.
    unresolved: dict[int, regions.RegionResolution] = {}
    # Exports write a few thousand (province, regency) pairs: each is resolved once here.
    region_of: dict[tuple[str, str], regions.RegionResolution] = {}

    # First pass, cheap: NPWP and region decide each account's block.
    for i, r in enumerate(records):
        checked = npwp.check(r.npwp)
        canonical[i] = checked.canonical
        if not checked.valid:
            findings[i].append(Finding.NPWP_INVALID)
            notes[i].append(f"NPWP '{r.npwp}': {npwp.DESCRIPTIONS[checked.problem]}")  # type: ignore[index]
        written = (r.province, r.regency)
        region = region_of.get(written)
        if region is None:
            region = regions.resolve(r.province, r.regency)
            if len(region_of) < _REGIONS_KEPT:
                region_of[written] = region
        if region.ok:
            regency_of[i] = region.regency.code  # type: ignore[union-attr]
        else:
            findings[i].append(Finding.REGION_INVALID)
            notes[i].append(region.describe())
            if checked.valid:
                unresolved[i] = region
        if checked.valid and region.ok:
            blocks[checked.canonical, regency_of[i]].append(i)  # type: ignore[index]

    # Second pass: addresses. A parsed address is kept only where its block has other accounts to
    # compare with, which keeps a million accounts within memory.
    in_shared_block = {i for members in blocks.values() if len(members) > 1 for i in members}
    parsed: dict[int, ParsedAddress] = {}
    for i, r in enumerate(records):
        shared = i in in_shared_block
        address, finding = read_address(r.address, r.postal_code, regency_of[i], shared)
        if finding is Finding.ADDRESS_MISSING:
            findings[i].append(finding)
            notes[i].append(f"address '{r.address}' names no street, place or number")
        elif finding is Finding.POSTAL_CODE_MISMATCH:
            findings[i].append(finding)
            postal = r.postal_code or address.postal_code  # type: ignore[union-attr]
            notes[i].append(f"postal code {postal} is not used in regency {regency_of[i]}")
        if shared and address is not None and finding is not Finding.ADDRESS_MISSING:
            parsed[i] = address
        if progress and i % 10000 == 9999:
            progress(10000)
    del in_shared_block

    clusters: list[tuple[_Cluster, str | None, str | None]] = []
    decided: set[int] = set()
    for (block_npwp, regency), members in blocks.items():
        members = [i for i in members if i not in findings or not _needs_review(findings[i])]
        decided.update(members)
        block_known = known if known is not None and known.touches(members) else None
        block_clusters = (
            [_Cluster(members)]
            if len(members) == 1
            else cluster_block(members, parsed, evidence, block_known)
        )
        for cluster in block_clusters:
            if evidence:  # notes are for explanations, which a run without evidence does not give
                cluster_notes = [note for i in cluster.members for note in notes.get(i, ())]
                if cluster_notes:
                    cluster.notes = [*cluster.notes, *cluster_notes]
            clusters.append((cluster, block_npwp, regency))
    del parsed, blocks
    if known is not None:
        _confirm_held_back(known, records, clusters, decided, canonical)
    emails = [email_key(r.email) for r in records]
    pending = [i for i in sorted(set(findings) - decided) if len(set(findings[i]) & REVIEW_FINDINGS) == 1]
    wanted = {emails[i] for i in pending if canonical[i] is None} | {email_key(g.email) for g in guests}
    context = _Context(records, clusters, unresolved, regency_of, canonical, emails, wanted, known)
    for i in pending:
        home = _propose(context, i, findings[i], notes.get(i, []), evidence)
        if home is not None:
            home.proposed.append(i)
            decided.add(i)
    guest_homes = [guest_proposal(context, g) for g in guests]
    npwp_homes = context.npwp_homes
    del context
    for i in range(n):
        if i not in decided:
            clusters.append((_Cluster([i], review=True, notes=notes.get(i, [])), canonical[i], None))
    del decided
    if progress:
        progress(n % 10000)
    if known is not None:
        _note_decisions(known, records, clusters)

    # Stable ids and a stable order: by each group's first account, accounts ranked by (portal, user ID).
    uid = [user_id_key(r.user_id) for r in records]
    rank = [0] * n
    # One string per account sorts as (portal, user ID) does, and far faster than tuples: a portal
    # code holds no NUL (the CSV reader refuses such rows, and the hub's codes are letters and digits).
    ordering = [f"{r.portal}\x00{key}" for r, key in zip(records, uid, strict=True)]
    for position, i in enumerate(sorted(range(n), key=ordering.__getitem__)):
        rank[i] = position
    del ordering
    for cluster, _, _ in clusters:
        cluster.members.sort(key=rank.__getitem__)
    clusters.sort(key=lambda c: rank[c[0].members[0]])
    taken: set[str] = set()
    groups: list[Group] = []
    group_of = [0] * n
    roles = [Role.REVIEW] * n
    for gi, (cluster, block_npwp, regency) in enumerate(clusters):
        cluster.group_id = group_id(records[cluster.members[0]].portal, uid[cluster.members[0]], taken)
        held_back = cluster.proposed or cluster.confirmed
        # Positional, in the order of Group's fields (the single is elected below): built once per group.
        group = Group(
            cluster.group_id,
            sorted(cluster.members + cluster.proposed + cluster.confirmed, key=rank.__getitem__)
            if held_back
            else cluster.members,
            block_npwp,
            regency,
            None,
            cluster.review,
            cluster.evidence,
            cluster.notes,
            sorted(cluster.proposed, key=rank.__getitem__) if held_back else cluster.proposed,
            sorted(cluster.confirmed, key=rank.__getitem__) if held_back else cluster.confirmed,
        )
        for i in group.members:
            group_of[i] = gi
            if cluster.review and not _needs_review(findings.get(i)):
                findings[i].append(Finding.ADDRESS_UNCERTAIN)
        if not cluster.review:
            group.single = elect_single(records, cluster.members)
            for i in cluster.members:
                roles[i] = Role.SINGLE if i == group.single else Role.MEMBER
            for i in cluster.confirmed:
                roles[i] = Role.MEMBER
        groups.append(group)

    _cross_group_findings(uid, emails, records, canonical, group_of, findings)
    order = {f: k for k, f in enumerate(Finding)}
    per_account = [
        tuple(sorted(set(findings[i]), key=order.__getitem__)) if i in findings else () for i in range(n)
    ]

    def code(home: _Cluster | str | None) -> str:
        return home if isinstance(home, str) else "" if home is None else home.group_id

    return AggregationResult(
        records,
        groups,
        group_of,
        roles,
        per_account,
        canonical,
        npwp_proposals={i: code(home) for i, home in npwp_homes.items()},
        guest_proposals=[code(home) for home in guest_homes],
        user_id_keys=uid,
        emails=emails,
    )


@dataclass(slots=True)
class _Context:
    """What proposing an account held back for review looks at: the groups found, indexed on demand."""

    records: Sequence[AccountRecord]
    clusters: list[tuple[_Cluster, str | None, str | None]]
    unresolved: dict[int, regions.RegionResolution]
    regency_of: Sequence[str | None]
    canonical: Sequence[str | None]
    emails: Sequence[str]
    # The emails of the accounts of invalid NPWP to propose: only their groups are indexed by email.
    wanted_emails: set[str]
    known: _Known | None = None
    _by_npwp: dict[str | None, list[tuple[_Cluster, str | None]]] | None = None
    _by_email: dict[str, list[tuple[_Cluster, str | None]]] | None = None
    _forms: dict[int, tuple[ParsedAddress, ...]] = field(default_factory=dict)
    # For each account of invalid NPWP held back for it alone: the group it is proposed to, None, or "?"
    # when a group rules any proposal out. The file path combines these across shards.
    npwp_homes: dict[int, _Cluster | str | None] = field(default_factory=dict)

    def by_npwp(self, key: str | None) -> list[tuple[_Cluster, str | None]]:
        if self._by_npwp is None:
            self._by_npwp = defaultdict(list)
            for cluster, block_npwp, regency in self.clusters:
                self._by_npwp[block_npwp].append((cluster, regency))
        return self._by_npwp.get(key, []) if key else []

    def by_email(self, key: str) -> list[tuple[_Cluster, str | None]]:
        if self._by_email is None:
            self._by_email = defaultdict(list)
            for cluster, _, regency in self.clusters:
                for m in cluster.members:
                    email = self.emails[m]
                    if email in self.wanted_emails:
                        entries = self._by_email[email]
                        if not entries or entries[-1][0] is not cluster:  # once per group
                            entries.append((cluster, regency))
        return self._by_email.get(key, []) if key else []

    def forms(self, cluster: _Cluster) -> tuple[ParsedAddress, ...]:
        """The group's distinct parsed addresses, parsed again: only a few groups are ever asked."""
        found = self._forms.get(id(cluster))
        if found is None:
            found = tuple(
                dict.fromkeys(parse(self.records[m].address, settle=False) for m in cluster.members)
            )
            self._forms[id(cluster)] = found
        return found


def _propose(
    context: _Context, i: int, found: list[Finding], notes: list[str], keep_evidence: bool
) -> _Cluster | None:
    """Propose an account held back for one missing or unreadable field to the one group it most likely
    belongs to. It stays in review (a person confirms), but the review starts from the right group.

    - Region unreadable: the address is the same place as every writing of exactly one group of the
      NPWP in a regency the region's text allows, and no other such group is even possibly it.
    - Address missing: the NPWP has exactly one place in the regency, and that group shares the
      account's email and does not contradict its head office or branch status.
    - NPWP missing or one digit off: the address is the same place as every writing of exactly one
      group in the regency that uses the account's email, and whose NPWP the digits nearly give.
    """
    record = context.records[i]
    outcome: Comparison | None = None
    if Finding.REGION_INVALID in found:
        # Held back for the region alone, so its NPWP is valid and its region was kept in `unresolved`.
        allowed = _regencies_allowed(context.unresolved[i])
        options = [c for c, reg in context.by_npwp(context.canonical[i]) if allowed(reg)]
        home, outcome, _ = _same_place_in(context, parse(record.address, settle=False), options)
        reason = "its region cannot be read, but its address is the same place as this group's"
    elif Finding.ADDRESS_MISSING in found:
        regency = context.regency_of[i]
        home = _only_place(
            context, i, [c for c, reg in context.by_npwp(context.canonical[i]) if reg == regency]
        )
        reason = (
            "it gives no address, but this is the only place of its NPWP in its regency, with the same "
            "email and no other head office or branch status"
        )
    elif Finding.NPWP_INVALID in found:
        home, outcome, blocked = _npwp_home(context, record, context.regency_of[i], context.emails[i])
        context.npwp_homes[i] = "?" if blocked else home
        reason = (
            "its NPWP is missing or one digit off this group's, and its address and email are this group's"
        )
    else:
        return None  # undecided against its own group: a person decides, from that group
    if (
        home is not None
        and context.known is not None
        and context.known.apart_from_any(i, [*home.members, *home.proposed, *home.confirmed])
    ):
        # A person has said it is not this vendor: it waits for review on its own.
        if context.npwp_homes.get(i) is home:
            context.npwp_homes[i] = None
        home = None
    if home is None:
        return None
    label = f"{record.portal}/{record.user_id}"
    home.notes = [*home.notes, f"{label} is proposed: {reason}", *(f"{label}: {note}" for note in notes)]
    if keep_evidence and outcome is not None:
        home.evidence = [*home.evidence, Evidence(i, home.members[0], outcome.verdict, outcome.reasons)]
    return home


def _confirm_held_back(
    known: _Known,
    records: Sequence[AccountRecord],
    clusters: list[tuple[_Cluster, str | None, str | None]],
    decided: set[int],
    canonical: Sequence[str | None],
) -> None:
    """An account held back for its own data joins the group of the accounts a person confirmed it
    with, when they are all in one group of its NPWP (or its NPWP is not valid) and nobody there was
    confirmed to be another vendor."""
    held = [i for i in known.component if i not in decided]
    if not held:
        return
    where: dict[int, tuple[_Cluster, str | None]] = {}
    for cluster, block_npwp, _ in clusters:
        for m in cluster.members:
            if m in known.component:
                where[m] = (cluster, block_npwp)
    for i in held:
        homes = {id(where[m][0]): where[m] for m in known.members[known.comp(i)] if m in where}
        if len(homes) != 1:
            continue  # confirmed with nobody decided, or with accounts of several groups: still review
        ((home, home_npwp),) = homes.values()
        if canonical[i] is not None and canonical[i] != home_npwp:
            continue  # a valid NPWP of its own is another taxpayer: never joined across NPWPs
        if known.apart_from_any(i, [*home.members, *home.proposed, *home.confirmed]):
            continue
        home.confirmed.append(i)
        decided.add(i)
        label = f"{records[i].portal}/{records[i].user_id}"
        home.notes = [*home.notes, f"{label} is a member: {CONFIRMED_SAME}, though its data is incomplete"]


def _note_decisions(
    known: _Known,
    records: Sequence[AccountRecord],
    clusters: list[tuple[_Cluster, str | None, str | None]],
) -> None:
    """Say in each group's explanation which review decisions kept its accounts from others."""
    where: dict[int, _Cluster] = {}
    for cluster, _, _ in clusters:
        for m in (*cluster.members, *cluster.proposed, *cluster.confirmed):
            if m in known.involved:
                where[m] = cluster
    accounts_of: dict[int, list[int]] = defaultdict(list)
    for i in sorted(where):
        accounts_of[known.comp(i)].append(i)
    apart_from: dict[int, set[int]] = defaultdict(set)
    for pair in known.apart:
        first, second = sorted(pair)
        for a in accounts_of[first]:
            apart_from[a].update(accounts_of[second])
        for b in accounts_of[second]:
            apart_from[b].update(accounts_of[first])

    def label(i: int) -> str:
        return f"{records[i].portal}/{records[i].user_id}"

    for i, others in sorted(apart_from.items()):
        cluster = where[i]
        cluster.notes = [
            *cluster.notes,
            f"{label(i)}: {CONFIRMED_DIFFERENT} from " + ", ".join(label(j) for j in sorted(others)),
        ]


def _npwp_home(
    context: _Context, record: AccountRecord, regency: str | None, email: str
) -> tuple[_Cluster | None, Comparison | None, bool]:
    """The group an account of invalid NPWP is proposed to, the comparison that chose it, and whether
    a group here rules any proposal out (two groups qualify, or one only possibly)."""
    options = [
        c
        for c, reg in context.by_email(email)
        if reg == regency and npwp_nearly(record.npwp, context.canonical[c.members[0]])
    ]
    return _same_place_in(context, parse(record.address, settle=False), options)


def guest_proposal(context: _Context, record: AccountRecord) -> _Cluster | str | None:
    """`_npwp_home` for an account of another shard (see aggregation.files): its group here, None, or
    "?" when a group here rules any proposal out."""
    if npwp.check(record.npwp).valid:
        return None
    region = regions.resolve(record.province, record.regency)
    if not region.ok:
        return None
    home, _, blocked = _npwp_home(context, record, region.regency.code, email_key(record.email))  # type: ignore[union-attr]
    return "?" if blocked else home


def npwp_nearly(written: str, canonical: str | None) -> bool:
    """Whether an invalid NPWP could be ``canonical`` mistyped: nothing (or the all-zero placeholder)
    written, or the same digits but one."""
    if canonical is None:
        return False
    digits = npwp.compact(written)
    if not digits.strip("0"):
        return True
    digits = digits.rjust(16, "0")
    return len(digits) == 16 and sum(a != b for a, b in zip(digits, canonical, strict=True)) <= 1


def _regencies_allowed(region: regions.RegionResolution) -> Callable[[str], bool]:
    """The regency codes an unreadable region may still mean: the regency or candidates it names, or
    any regency of its province when the regency itself names none."""
    codes = {c.code for c in region.candidates}
    if region.regency is not None:
        codes.add(region.regency.code)
    prefix = None
    if region.province is not None and (
        not codes or region.status is regions.RegionStatus.REGENCY_NOT_IN_PROVINCE
    ):
        prefix = region.province.code + "."
    return lambda code: code in codes or (prefix is not None and code.startswith(prefix))


def _same_place_in(
    context: _Context, address: ParsedAddress, options: list[_Cluster]
) -> tuple[_Cluster | None, Comparison | None, bool]:
    """The one group whose every writing is the same place as ``address``, the comparison with it, and
    whether the options rule any proposal out: two groups are the same place, or one is possibly it."""
    if address.is_empty:
        return None, None, False
    found: list[tuple[_Cluster, Comparison]] = []
    for cluster in options:
        outcomes = [compare(address, form) for form in context.forms(cluster)]
        if all(o.verdict is Verdict.DIFFERENT for o in outcomes):
            continue
        if cluster.review or not all(o.verdict is Verdict.SAME for o in outcomes):
            return None, None, True  # possibly this group, possibly not: a person decides
        found.append((cluster, outcomes[0]))
    if len(found) == 1:
        return found[0][0], found[0][1], False
    return None, None, bool(found)


def _only_place(context: _Context, i: int, options: list[_Cluster]) -> _Cluster | None:
    """The group of the NPWP's only place in the account's regency, where email and status agree."""
    if len(options) != 1 or options[0].review:
        return None
    cluster, key, status = options[0], context.emails[i], context.records[i].status
    if not key or all(context.emails[m] != key for m in cluster.members):
        return None
    if status and any(context.records[m].status not in ("", status) for m in cluster.members):
        return None
    return cluster


def _cross_group_findings(
    uid: Sequence[str],
    emails: Sequence[str],
    records: Sequence[AccountRecord],
    canonical: Sequence[str | None],
    group_of: Sequence[int],
    findings: dict[int, list[Finding]],
) -> None:
    """Findings that look across groups: shared user IDs, NPWPs and emails."""
    for finding, keys, values in (
        (Finding.USER_ID_COLLISION, uid, group_of),
        (Finding.BRANCH_SAME_NPWP, canonical, group_of),
        (Finding.EMAIL_SHARED, emails, npwp_keys(records, canonical)),
    ):
        for i in shared_by_several(keys, values):
            findings[i].append(finding)


def npwp_keys(records: Sequence[AccountRecord], canonical: Sequence[str | None]) -> list[str]:
    # An invalid NPWP still tells two vendors apart: its digits stand in for the canonical form.
    return [c or npwp.compact(r.npwp) for r, c in zip(records, canonical, strict=True)]


def shared_by_several(keys: Sequence[str | None], values: Sequence[object]) -> Iterator[int]:
    """The positions whose (non-empty) key is held with more than one distinct value."""
    first: dict[str, object] = {}
    several: set[str] = set()
    for key, value in zip(keys, values, strict=True):
        if key:
            seen = first.setdefault(key, value)
            if seen != value:
                several.add(key)
    if several:
        for i, key in enumerate(keys):
            if key in several:
                yield i
