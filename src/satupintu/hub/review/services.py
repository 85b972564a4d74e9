"""The LPSE's review queue (SOP step 7): what its administrators see and decide about accounts that the
aggregation engine holds in review.

Who may act is decided here (`scope_of`), and every action checks again, under a row lock, that the
account belongs to the actor's portal. Decisions on how accounts relate are stored (`ReviewDecision`)
and fed to the engine wherever it runs (decision 0007); corrections change the account's data. Each
action writes an audit event in its own transaction and returns the account's new live standing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from satupintu.aggregation.engine import Finding, Role
from satupintu.aggregation.records import email_key, user_id_key
from satupintu.core import npwp as npwp_rules
from satupintu.core import regions
from satupintu.core.address import Verdict
from satupintu.hub.activation.services import Outcome, current_standing, outcome_of
from satupintu.hub.activation.standing import Standing, neighbourhood, run_engine
from satupintu.hub.audit.services import record
from satupintu.hub.groups.models import Membership
from satupintu.hub.portals.models import Portal
from satupintu.hub.review.models import DecisionPair, Kind, ReviewDecision
from satupintu.hub.vendors.models import PortalAccount, State

PAGE_SIZE = 50


@dataclass(frozen=True)
class Scope:
    """Whose queue a user may work on: one portal's, or (LKPP directorate) every portal's."""

    portal: Portal | None

    @property
    def national(self) -> bool:
        return self.portal is None

    def allows(self, account: PortalAccount) -> bool:
        return self.national or account.portal_id == self.portal.pk


def scope_of(user) -> Scope | None:
    """The queue ``user`` may work on, or None: a vendor, or staff without the permission."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or user.has_perm("review.resolve_any_portal"):
        return Scope(None)
    if user.portal_id is not None and user.has_perm("review.resolve_review"):
        return Scope(user.portal)
    return None


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


def _case_accounts(account: PortalAccount) -> list[PortalAccount]:
    """The account's neighbourhood, plus the accounts of its group at the last aggregation and those
    sharing its email: the batch run may have proposed it to them (an NPWP missing or mistyped)."""
    near = Q(pk__in=neighbourhood(account).values("pk"))
    membership = Membership.objects.filter(account=account).first()
    if membership is not None:
        near |= Q(membership__group_id=membership.group_id)
    if email_key(account.email):
        near |= Q(email__iexact=account.email.strip())
    return list(
        PortalAccount.objects.filter(near, portal__aggregation_active=True)
        .select_related("portal", "identity")
        .order_by("pk")[:200]
    )


def case_of(account: PortalAccount) -> Case:
    accounts = _case_accounts(account)
    if all(a.pk != account.pk for a in accounts):
        accounts.append(account)
    result = run_engine(accounts)
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
    standing = current_standing(account)
    return Case(account, standing, outcome_of(standing), concerned)


@dataclass(frozen=True)
class ActionResult:
    account: PortalAccount
    standing: Standing
    outcome: Outcome
    decision: ReviewDecision | None = None


def _lock(scope: Scope, account: PortalAccount, others: tuple[int, ...] = ()) -> PortalAccount:
    """Lock the account (and the others named) in primary-key order, then check ownership again."""
    pks = sorted({account.pk, *others})
    list(PortalAccount.objects.filter(pk__in=pks).order_by("pk").select_for_update().values_list("pk"))
    fresh = _scoped(scope).filter(pk=account.pk).first()
    if fresh is None:
        raise NotInScope(account.pk)
    return fresh


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


def _finish(account: PortalAccount, affected: list[PortalAccount], decision=None) -> ActionResult:
    """The new live standing, written into the stored queue of every account the action touched, so
    that the queue is right before the next aggregation re-stores the groups."""
    standing = None
    for a in [account, *affected]:
        now = current_standing(a)
        Membership.objects.filter(account=a).update(
            role=now.role.value, findings=";".join(f.value for f in now.findings)
        )
        if a.pk == account.pk:
            standing = now
    assert standing is not None
    return ActionResult(standing.account, standing, outcome_of(standing), decision)


def correct_region(
    scope: Scope, account: PortalAccount, province: str, regency: str, *, actor
) -> ActionResult:
    """Set the account's province and regency/city, which must resolve to one Kemendagri region."""
    region = regions.resolve(province, regency)
    if not region.ok:
        raise ReviewRefused(_("The province and regency/city do not match: choose them again."))
    with transaction.atomic():
        account = _lock(scope, account)
        _require_local(account)
        old = {"province": account.province, "regency": account.regency}
        account.province, account.regency = region.province.name, region.regency.name
        account.save(update_fields=["province", "regency", "updated_at"])
        record(
            "review.region_corrected",
            account,
            actor,
            old=old,
            new={"province": account.province, "regency": account.regency, "code": region.regency.code},
        )
        return _finish(account, [])


def correct_npwp(scope: Scope, account: PortalAccount, value: str, *, actor) -> ActionResult:
    """Set the account's NPWP, kept as written and in its canonical 16 digits."""
    checked = npwp_rules.check(value)
    if not checked.valid:
        raise ReviewRefused(_("The NPWP is not valid: check its digits."))
    with transaction.atomic():
        account = _lock(scope, account)
        _require_local(account)
        old = {"npwp": account.npwp, "npwp_canonical": account.npwp_canonical}
        account.npwp, account.npwp_canonical = value.strip(), checked.canonical
        account.save(update_fields=["npwp", "npwp_canonical", "updated_at"])
        record(
            "review.npwp_corrected",
            account,
            actor,
            old=old,
            new={"npwp": account.npwp, "npwp_canonical": account.npwp_canonical},
        )
        return _finish(account, [])


def _decide(
    scope: Scope,
    account: PortalAccount,
    kind: Kind,
    chosen: list[int],
    allowed,
    reason: str,
    actor,
) -> ActionResult:
    """Store a decision between the account and ``chosen`` accounts, each of which must be among what
    ``allowed(case)`` offers when checked again under the lock."""
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(_("Write the reason for the decision."))
    with transaction.atomic():
        account = _lock(scope, account, tuple(chosen))
        case = case_of(account)
        offered = {a.pk: a for a in allowed(case)}
        others = [offered[pk] for pk in dict.fromkeys(chosen) if pk in offered]
        if not others or len(others) != len(set(chosen)):
            raise ReviewRefused(
                _("The accounts to decide on have changed since the page was shown: look at the case again.")
            )
        if kind is not Kind.DIFFERENT:
            _require_local(account)
        for other in others:
            if account.identity_id is not None and account.identity_id == other.identity_id:
                raise ReviewRefused(
                    _(
                        "%(user_id)s and %(other)s are already one User ID Tunggal: an activated group "
                        "cannot be split here. Ask the LKPP directorate."
                    )
                    % {"user_id": account.user_id, "other": other.user_id}
                )
        decision = ReviewDecision.objects.create(kind=kind, account=account, reason=reason, actor=actor)
        DecisionPair.objects.bulk_create([DecisionPair(decision=decision, other=o) for o in others])
        record(
            f"review.decided_{kind.value}",
            decision,
            actor,
            account=str(account),
            others=[str(o) for o in others],
            reason=reason,
        )
        return _finish(account, others, decision)


def confirm_different(
    scope: Scope, account: PortalAccount, other_pk: int, reason: str, *, actor
) -> ActionResult:
    """The account and the other are different vendors: the engine keeps them apart from now on."""
    return _decide(scope, account, Kind.DIFFERENT, [other_pk], lambda case: case.others, reason, actor)


def split(scope: Scope, account: PortalAccount, reason: str, *, actor) -> ActionResult:
    """Take the account out of the group the engine put or proposed it in."""
    with transaction.atomic():
        mates = [a.pk for a in case_of(account).group_mates]
        if not mates:
            raise ReviewRefused(_("This account is alone in its group: there is nothing to split."))
        return _decide(scope, account, Kind.SPLIT, mates, lambda case: case.group_mates, reason, actor)


def confirm_merge(
    scope: Scope, account: PortalAccount, other_pks: list[int], reason: str, *, actor
) -> ActionResult:
    """The account is the same vendor as the accounts the engine proposed it to or doubted about."""
    return _decide(scope, account, Kind.SAME, other_pks, lambda case: case.merge_candidates, reason, actor)
