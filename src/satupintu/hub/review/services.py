"""The LPSE's review queue (SOP step 7): what its administrators see and decide about accounts that the
aggregation engine holds in review.

Who may act is decided here (`scope_of`), and every action checks again, under a row lock, that the
account belongs to the actor's portal. Decisions on how accounts relate are stored (`ReviewDecision`)
and fed to the engine wherever it runs (decision 0007); corrections change the account's data. Each
action writes an audit event in its own transaction and returns the account's new live standing.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from satupintu.aggregation.engine import AggregationResult, Finding, Role
from satupintu.aggregation.records import email_key, user_id_key
from satupintu.core import npwp as npwp_rules
from satupintu.core import regions
from satupintu.core.address import Verdict
from satupintu.hub.activation.services import Outcome, outcome_of
from satupintu.hub.activation.standing import Standing, neighbourhood, run_engine, standing_in
from satupintu.hub.audit.services import record
from satupintu.hub.groups.models import Membership
from satupintu.hub.portals.scope import Scope, scope_for
from satupintu.hub.review.models import DecisionPair, Kind, ReviewDecision
from satupintu.hub.vendors.models import PortalAccount, State

PAGE_SIZE = 50


def scope_of(user) -> Scope | None:
    """The queue ``user`` may work on, or None: a vendor, or staff without the permission."""
    return scope_for(user, "review.resolve_review", "review.resolve_any_portal")


class NotInScope(Exception):
    """The account does not exist for this user: another portal's, or none at all (shown as 404)."""


class ReviewRefused(Exception):
    """An action that cannot be done; the message says why and what to do instead."""


def _scoped(scope: Scope) -> QuerySet[PortalAccount]:
    accounts = PortalAccount.objects.filter(portal__aggregation_active=True).select_related(
        "portal", "identity"
    )
    return accounts if scope.national else accounts.filter(portal=scope.portal)


def account_in_scope(scope: Scope, pk: int) -> PortalAccount:
    account = _scoped(scope).filter(pk=pk).first()
    if account is None:
        raise NotInScope(pk)
    return account


def queue(scope: Scope, *, text: str = "", finding: str = "", portal: str = "") -> QuerySet[PortalAccount]:
    """The accounts in review at the last aggregation, filtered; cheap enough for thousands."""
    accounts = _scoped(scope).filter(membership__role=Role.REVIEW).select_related("membership__group")
    if scope.national and portal:
        accounts = accounts.filter(portal__code=portal)
    if finding in Finding.__members__.values():
        accounts = accounts.filter(membership__findings__contains=finding)
    text = text.strip()
    if text:
        match = Q(user_id_key__contains=user_id_key(text)) | Q(name__icontains=text)
        digits = npwp_rules.compact(text)
        if digits.isdigit():
            match |= Q(npwp_canonical__contains=digits) | Q(npwp__contains=text)
        accounts = accounts.filter(match)
    return accounts.order_by("portal__code", "user_id_key")


@dataclass(frozen=True)
class Concerned:
    """Another account the case involves, as the engine sees it next to the reviewed one."""

    account: PortalAccount
    role: Role
    same_group: bool
    proposed: bool
    doubt: bool  # the engine could not tell whether it is the same place


@dataclass(frozen=True)
class Case:
    """What the review page shows about one account, and what each action may name."""

    account: PortalAccount
    standing: Standing
    outcome: Outcome
    concerned: tuple[Concerned, ...]
    # The engine's explanation of the account's group, shown on the page only.
    explanation: str = ""

    @property
    def merge_candidates(self) -> tuple[PortalAccount, ...]:
        """The accounts the engine proposed this one to, or doubted about: what a merge may confirm."""
        if self.standing.role is not Role.REVIEW:
            return ()
        return tuple(c.account for c in self.concerned if c.same_group or c.doubt)

    @property
    def group_mates(self) -> tuple[PortalAccount, ...]:
        return tuple(c.account for c in self.concerned if c.same_group)

    @property
    def others(self) -> tuple[PortalAccount, ...]:
        return tuple(c.account for c in self.concerned)


def _case_pks(account: PortalAccount, also: tuple[int, ...] = ()) -> set[int]:
    """The accounts a case looks at: the account's neighbourhood (``also`` taken as decision partners),
    the accounts of its group at the last aggregation (the batch run may have proposed it there), and,
    when its NPWP is not valid, the accounts of its email: such an account is proposed by email.

    The lookups are combined by UNION, each on its own index: an OR of them in one WHERE makes
    PostgreSQL read every account. The email has no index: it is looked up only for an account without
    a valid NPWP, the one case where the engine uses it to place the account."""
    pks = neighbourhood(account, also).order_by().values_list("pk", flat=True)
    group = Membership.objects.filter(account_id=account.pk).values("group_id")
    pks = pks.union(Membership.objects.filter(group_id__in=group).values_list("account_id", flat=True))
    if not account.npwp_canonical and email_key(account.email):
        email = PortalAccount.objects.filter(email__iexact=account.email.strip()).order_by()
        pks = pks.union(email.values_list("pk", flat=True))
    return {account.pk, *also, *pks}


def _accounts(pks: set[int]) -> list[PortalAccount]:
    return list(
        PortalAccount.objects.filter(pk__in=pks, portal__aggregation_active=True)
        .select_related("portal", "identity")
        .order_by("pk")
    )


def _case(
    account: PortalAccount, accounts: list[PortalAccount], result: AggregationResult, *, explain: bool = False
) -> Case:
    """The case of ``account`` read from ``result``, the engine's run over ``accounts``."""
    i = next(k for k, a in enumerate(accounts) if a.pk == account.pk)
    group = result.groups[result.group_of[i]]
    doubts = {
        m
        for ev in group.evidence
        if ev.verdict is Verdict.UNCERTAIN
        for m in (ev.a, ev.b)
        if m not in group.members
    }
    concerned = tuple(
        Concerned(
            a,
            result.roles[k],
            same_group=result.group_of[k] == result.group_of[i],
            proposed=k in group.proposed,
            doubt=k in doubts,
        )
        for k, a in enumerate(accounts)
        if k != i
    )
    standing = standing_in(account, accounts, result)
    explanation = result.explain(group) if explain else ""
    return Case(account, standing, outcome_of(standing), concerned, explanation)


def case_of(account: PortalAccount) -> Case:
    """The account's case, as the engine sees it now. One run over the case's accounts gives both the
    account's standing and the others: the case holds the account's whole neighbourhood, which is
    what activation runs the engine on."""
    accounts = _accounts(_case_pks(account))
    if all(a.pk != account.pk for a in accounts):
        accounts.append(account)
    return _case(account, accounts, run_engine(accounts), explain=True)


def decisions_on(account: PortalAccount, limit: int = 50) -> list[ReviewDecision]:
    """The latest decisions the account is part of, made on it or naming it."""
    # Two indexed lookups in one UNION: an OR across the join would read every decision.
    made = ReviewDecision.objects.filter(account=account).order_by().values_list("pk", flat=True)
    naming = DecisionPair.objects.filter(other=account).values_list("decision_id", flat=True)
    return list(
        ReviewDecision.objects.filter(pk__in=set(made.union(naming)))
        .select_related("account__portal", "actor")
        .prefetch_related("pairs__other__portal")[:limit]
    )


@dataclass(frozen=True)
class ActionResult:
    account: PortalAccount
    standing: Standing
    outcome: Outcome
    decision: ReviewDecision | None = None


def _lock(
    scope: Scope, account: PortalAccount, *, also: tuple[int, ...] = (), change: dict | None = None
) -> tuple[PortalAccount, list[PortalAccount]]:
    """Lock every account of the case (for a correction, of the case after ``change`` too) in
    primary-key order, as activation locks its neighbourhood, so that an action and an activation of
    one group run in turn. Then read them again, check ownership, and return the account and them."""
    pks = _case_pks(account, also)
    if change:
        changed = copy.copy(account)
        for name, value in change.items():
            setattr(changed, name, value)
        pks |= _case_pks(changed, also)
    list(PortalAccount.objects.filter(pk__in=pks).order_by("pk").select_for_update().values_list("pk"))
    if not _scoped(scope).filter(pk=account.pk).exists():
        raise NotInScope(account.pk)
    accounts = _accounts(pks)
    return next(a for a in accounts if a.pk == account.pk), accounts


def _require_local(account: PortalAccount) -> None:
    if account.state == State.ACTIVATED:
        raise ReviewRefused(
            _(
                "%(user_id)s is already activated as a User ID Tunggal: it is no longer in review, and its "
                "identity data is now edited by the vendor through the hub."
            )
            % {"user_id": account.user_id}
        )
    if account.state == State.LINKED:
        raise ReviewRefused(
            _(
                "%(user_id)s is already linked to the User ID Tunggal %(tunggal)s: it cannot be taken out "
                "of that group here. Ask the LKPP directorate to undo the link first."
            )
            % {"user_id": account.user_id, "tunggal": account.identity.username if account.identity else "?"}
        )


def _keep_identities(
    accounts: list[PortalAccount], before: AggregationResult, after: AggregationResult
) -> None:
    """Refuse an action that would take an activated or linked account out of the group of its User ID
    Tunggal: only the LKPP directorate undoes a link. Checked on the engine's result rather than on the
    accounts named, because decisions carry over (A same as B and A different from D: B different
    from D), so a decision on one account can split accounts it does not name."""
    by_identity: dict[int, list[int]] = defaultdict(list)
    for k, a in enumerate(accounts):
        if a.identity_id is not None:
            by_identity[a.identity_id].append(k)
    for ks in by_identity.values():
        for x in ks:
            for y in ks:
                if before.group_of[x] == before.group_of[y] and after.group_of[x] != after.group_of[y]:
                    a, b = accounts[x], accounts[y]
                    raise ReviewRefused(
                        _(
                            "This would take %(user_id)s and %(other)s apart, but both are already one User "
                            "ID Tunggal (%(tunggal)s): an activated group cannot be split here. Ask the LKPP "
                            "directorate."
                        )
                        % {"user_id": str(a), "other": str(b), "tunggal": a.identity.username}
                    )


def _findings_after(stored: str, before: tuple[Finding, ...], after: tuple[Finding, ...]) -> str:
    """The stored findings with the action's effect applied: those the run before had and the run after
    has not are gone, those of the run after are there, and the rest stay as the last aggregation
    found them (an email or user ID shared with an account outside the case)."""
    gone = {f.value for f in before} - {f.value for f in after}
    codes = {f for f in stored.split(";") if f and f not in gone} | {f.value for f in after}
    order = {f.value: k for k, f in enumerate(Finding)}
    return ";".join(sorted(codes, key=lambda code: order.get(code, len(order))))


def _finish(
    account: PortalAccount,
    accounts: list[PortalAccount],
    before: AggregationResult,
    after: AggregationResult,
    decision: ReviewDecision | None = None,
) -> ActionResult:
    """Write the action's effect into the stored queue (`groups.Membership`), so that the queue is right
    before the next aggregation re-stores the groups: the account's live role, and that of every
    account of the case whose role or findings the action changed (a third account at the same
    address goes to review with the two said to be different). Accounts the action left alone keep
    what the last aggregation stored: the case is not their whole neighbourhood."""
    i = next(k for k, a in enumerate(accounts) if a.pk == account.pk)
    touched = {
        accounts[k].pk: k
        for k in range(len(accounts))
        if k == i or (before.roles[k], before.findings[k]) != (after.roles[k], after.findings[k])
    }
    stored = Membership.objects.filter(account_id__in=touched).values_list("account_id", "role", "findings")
    for pk, role, findings in list(stored):
        k = touched[pk]
        now = (after.roles[k].value, _findings_after(findings, before.findings[k], after.findings[k]))
        if now != (role, findings):
            Membership.objects.filter(account_id=pk).update(role=now[0], findings=now[1])
    standing = standing_in(account, accounts, after)
    return ActionResult(account, standing, outcome_of(standing), decision)


def _correct(
    scope: Scope, account: PortalAccount, change: dict[str, str], action: str, actor, **audit
) -> ActionResult:
    """Change the account's data; the engine sees the new data like any other (decision 0007)."""
    with transaction.atomic():
        account, accounts = _lock(scope, account, change=change)
        _require_local(account)
        before = run_engine(accounts)
        old = {name: getattr(account, name) for name in change}
        for name, value in change.items():
            setattr(account, name, value)
        account.save(update_fields=[*change, "updated_at"])
        after = run_engine(accounts)
        _keep_identities(accounts, before, after)
        record(action, account, actor, old=old, new={**change, **audit})
        return _finish(account, accounts, before, after)


def correct_region(
    scope: Scope, account: PortalAccount, province: str, regency: str, *, actor
) -> ActionResult:
    """Set the account's province and regency/city, which must resolve to one Kemendagri region."""
    region = regions.resolve(province, regency)
    if not region.ok:
        raise ReviewRefused(_("The province and regency/city do not match: choose them again."))
    change = {"province": region.province.name, "regency": region.regency.name}
    return _correct(scope, account, change, "review.region_corrected", actor, code=region.regency.code)


def correct_npwp(scope: Scope, account: PortalAccount, value: str, *, actor) -> ActionResult:
    """Set the account's NPWP, kept as written and in its canonical 16 digits."""
    checked = npwp_rules.check(value)
    if not checked.valid:
        raise ReviewRefused(_("The NPWP is not valid: check its digits."))
    change = {"npwp": value.strip(), "npwp_canonical": checked.canonical}
    return _correct(scope, account, change, "review.npwp_corrected", actor)


def _decide(
    scope: Scope,
    account: PortalAccount,
    kind: Kind,
    chosen: list[int] | None,
    allowed,
    reason: str,
    actor,
) -> ActionResult:
    """Store a decision between the account and ``chosen`` accounts (None: every account that
    ``allowed(case)`` offers), each of which must be among what it offers when checked again under the
    lock."""
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(_("Write the reason for the decision."))
    with transaction.atomic():
        account, accounts = _lock(scope, account, also=tuple(chosen or ()))
        before = run_engine(accounts)
        offered = {a.pk: a for a in allowed(_case(account, accounts, before))}
        if chosen is None:
            if not offered:
                raise ReviewRefused(_("This account is alone in its group: there is nothing to split."))
            chosen = list(offered)
        others = [offered[pk] for pk in dict.fromkeys(chosen) if pk in offered]
        if not others or len(others) != len(set(chosen)):
            raise ReviewRefused(
                _("The accounts to decide on have changed since the page was shown: look at the case again.")
            )
        if kind is not Kind.DIFFERENT:
            _require_local(account)
        decision = ReviewDecision.objects.create(kind=kind, account=account, reason=reason, actor=actor)
        DecisionPair.objects.bulk_create([DecisionPair(decision=decision, other=o) for o in others])
        # The engine again with the new decision (read back from the database), before anything is
        # recorded: a refusal rolls the decision back.
        after = run_engine(accounts)
        _keep_identities(accounts, before, after)
        record(
            f"review.decided_{kind.value}",
            decision,
            actor,
            account=str(account),
            others=[str(o) for o in others],
            reason=reason,
        )
        return _finish(account, accounts, before, after, decision)


def confirm_different(
    scope: Scope, account: PortalAccount, other_pk: int, reason: str, *, actor
) -> ActionResult:
    """The account and the other are different vendors: the engine keeps them apart from now on."""
    return _decide(scope, account, Kind.DIFFERENT, [other_pk], lambda case: case.others, reason, actor)


def split(scope: Scope, account: PortalAccount, reason: str, *, actor) -> ActionResult:
    """Take the account out of the group the engine put or proposed it in: "different" from every
    account of that group, as the engine sees it under the lock."""
    return _decide(scope, account, Kind.SPLIT, None, lambda case: case.group_mates, reason, actor)


def confirm_merge(
    scope: Scope, account: PortalAccount, other_pks: list[int], reason: str, *, actor
) -> ActionResult:
    """The account is the same vendor as the accounts the engine proposed it to or doubted about."""
    return _decide(scope, account, Kind.SAME, other_pks, lambda case: case.merge_candidates, reason, actor)
