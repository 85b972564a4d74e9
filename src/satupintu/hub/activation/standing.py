"""Where one account stands at the moment it activates: the aggregation engine run again over the
accounts it could be grouped or confused with (the same NPWP, the same user ID) on the aggregated portals.

The engine's rules are the same as in the batch run; running them on the account's neighbourhood, with
the data as it is now, is what makes activation follow the current data rather than last night's run.
The LPSE's review decisions (satupintu.hub.review) are fed to the engine here as in the batch run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from satupintu.aggregation.engine import AggregationResult, Finding, Role, aggregate
from satupintu.aggregation.records import AccountRecord
from satupintu.hub.review.known import decisions_for, partners
from satupintu.hub.vendors.models import PortalAccount, State

_RECORD_FIELDS = [f.name for f in dataclasses.fields(AccountRecord) if f.name not in ("portal", "line")]


@dataclass(frozen=True)
class Standing:
    """The engine's verdict on one account, with the accounts it concerns.

    ``tunggal`` is the group's User ID Tunggal: the account already activated as such, if any (once chosen
    it stays, even if packages later change the election), else the elected single. ``unactivated``
    are the group's other accounts that have not activated yet.
    """

    account: PortalAccount
    role: Role
    findings: tuple[Finding, ...]
    group: tuple[PortalAccount, ...]
    tunggal: PortalAccount | None
    reasons: tuple[str, ...]
    # Accounts proposed to the group and waiting for review (decision 0005): the LPSE's review queue
    # shows them.
    proposed: tuple[PortalAccount, ...] = ()

    @property
    def collision(self) -> bool:
        return Finding.USER_ID_COLLISION in self.findings

    @property
    def unactivated(self) -> tuple[PortalAccount, ...]:
        return tuple(a for a in self.group if a.state == State.LOCAL and a.pk != self.account.pk)


def neighbourhood(account: PortalAccount, also: Iterable[int] = ()) -> QuerySet[PortalAccount]:
    """The accounts of aggregated portals that the engine could put with this one, or confuse it with.
    ``also`` (primary keys) are taken as decision partners: a review decision about to be stored."""
    return (
        PortalAccount.objects.filter(near(account, also), portal__aggregation_active=True)
        .select_related("portal", "identity")
        .order_by("pk")
    )


def near(account: PortalAccount, also: Iterable[int] = ()) -> Q:
    """The condition on accounts that `neighbourhood` selects, before the portal's aggregation."""
    condition = Q(user_id_key=account.user_id_key)
    if account.npwp_canonical:
        condition |= Q(npwp_canonical=account.npwp_canonical)
    related = partners(account.pk) | set(also)
    if related:
        # An account the LPSE decided on with others (a confirmed merge of an account of invalid NPWP)
        # is run with them and with their NPWP's accounts, as the batch run would see them.
        # Their NPWPs are read first and passed as values: a subquery inside the OR makes PostgreSQL
        # scan every account (half a second at a million) instead of combining the indexes.
        npwps = set(
            PortalAccount.objects.filter(pk__in=related)
            .exclude(npwp_canonical="")
            .values_list("npwp_canonical", flat=True)
        )
        condition |= Q(pk__in=related) | Q(npwp_canonical__in=npwps)
    return condition


def run_engine(accounts: list[PortalAccount]) -> AggregationResult:
    """The engine's result over ``accounts``, with the review decisions between them."""
    records = [
        AccountRecord(portal=a.portal.code, **{name: getattr(a, name) for name in _RECORD_FIELDS})
        for a in accounts
    ]
    return aggregate(records, decisions=decisions_for([a.pk for a in accounts]))


def standing_of(account: PortalAccount, accounts: list[PortalAccount]) -> Standing:
    """Run the engine on ``accounts`` (which include ``account``) and read this account's result."""
    return standing_in(account, accounts, run_engine(accounts))


def standing_in(account: PortalAccount, accounts: list[PortalAccount], result: AggregationResult) -> Standing:
    """This account's standing in ``result``, the engine's run over ``accounts``."""
    i = next(k for k, a in enumerate(accounts) if a.pk == account.pk)
    group = result.groups[result.group_of[i]]
    members = tuple(accounts[m] for m in group.members if m not in group.proposed)
    role = result.roles[i]
    tunggal = None
    if role is not Role.REVIEW:
        tunggal = next((a for a in members if a.state == State.ACTIVATED), None)
        if tunggal is None and group.single is not None:
            tunggal = accounts[group.single]
    reasons: tuple[str, ...] = ()
    if role is Role.REVIEW:
        # The engine's own words on what held the account back: its notes, else the comparisons.
        reasons = tuple(group.notes) or tuple("; ".join(ev.reasons) for ev in group.evidence)
    proposed = tuple(accounts[m] for m in group.proposed)
    return Standing(account, role, result.findings[i], members, tunggal, reasons, proposed)
