"""Activation (*aktivasi*): a vendor account of an aggregated portal becomes, or joins, a User ID Tunggal.

Each step checks the account's standing again under a lock on every account it could be grouped with, so
that accounts of one group activating at the same moment leave exactly one User ID Tunggal. Every step
writes an audit event in the same transaction.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.aggregation.engine import Role
from satupintu.aggregation.records import user_id_key
from satupintu.hub.accounts.hashers import from_export
from satupintu.hub.accounts.validators import USER_ID_PATTERN
from satupintu.hub.activation.models import UserIdChange
from satupintu.hub.activation.standing import Standing, neighbourhood, standing_of
from satupintu.hub.audit.services import record
from satupintu.hub.events.services import publish, publish_vendor_updated
from satupintu.hub.registration.models import Registration
from satupintu.hub.vendors.models import PortalAccount, State, VendorProfile

# The identity data a vendor profile starts from: the User ID Tunggal's portal account.
PROFILE_FIELDS = (
    "npwp_canonical",
    "name",
    "address",
    "province",
    "regency",
    "postal_code",
    "phone",
    "status",
)
# Checked against when no account matches, so that a wrong user ID costs the same time as a wrong
# password and the answer does not tell them apart.
_DUMMY_HASH = make_password("not a password of anyone")


class Outcome(enum.StrEnum):
    ACTIVATED = "activated"  # the account is now a User ID Tunggal (no duplicate, or the group's single)
    LINKED = "linked"  # a member, now an alias of its User ID Tunggal
    ALREADY_ACTIVE = "already_active"  # activated before: log in with the User ID Tunggal
    NEEDS_NEW_USER_ID = "needs_new_user_id"  # USER_ID_COLLISION: choose another user ID first
    MEMBER = "member"  # one of a group: the User ID Tunggal's password is needed
    REVIEW = "review"  # the LPSE must look at it first (SOP step 6)


class ActivationRefused(Exception):
    """A credential or eligibility problem, told apart by ``reason`` (see `Refusal`)."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


class Refusal(enum.StrEnum):
    WRONG_CREDENTIALS = "wrong_credentials"
    NOT_VERIFIED = "not_verified"
    PORTAL_NOT_AGGREGATED = "portal_not_aggregated"


@dataclass(frozen=True)
class ActivationResult:
    outcome: Outcome
    account: PortalAccount
    standing: Standing | None = None

    @property
    def tunggal(self) -> PortalAccount | None:
        return self.standing.tunggal if self.standing else None


def find_account(portal_code: str, user_id: str) -> PortalAccount | None:
    return (
        PortalAccount.objects.select_related("portal", "identity")
        .filter(portal__code=portal_code, user_id_key=user_id_key(user_id))
        .first()
    )


def password_matches(account: PortalAccount | None, password: str) -> bool:
    """Whether ``password`` is the account's own: its hub password once activated, else the hash its
    portal exported. A missing account is checked against a dummy hash all the same."""
    if account is None:
        check_password(password, _DUMMY_HASH)
        return False
    if account.identity_id is not None and account.state == State.ACTIVATED:
        return account.identity.check_password(password)
    return _matches_export(account, password)


def _matches_export(account: PortalAccount, password: str) -> bool:
    """Whether ``password`` is the one the account's portal exported a hash of. Without a usable hash,
    a dummy one is checked all the same, so that the answer takes as long."""
    encoded = from_export(account.password_hash)
    if not encoded:
        check_password(password, _DUMMY_HASH)
        return False
    return check_password(password, encoded)


def authenticate_account(portal_code: str, user_id: str, password: str) -> PortalAccount:
    """The account, once its password is right; `ActivationRefused` otherwise. The same refusal for an
    unknown user ID and a wrong password: nothing tells whether a user ID exists."""
    account = find_account(portal_code, user_id)
    if not password_matches(account, password):
        record("activation.credentials_rejected", None, portal=portal_code, user_id=user_id)
        raise ActivationRefused(Refusal.WRONG_CREDENTIALS)
    assert account is not None
    if not account.verified:
        raise ActivationRefused(Refusal.NOT_VERIFIED)
    if not account.portal.aggregation_active:
        raise ActivationRefused(Refusal.PORTAL_NOT_AGGREGATED)
    return account


def _locked_standing(account: PortalAccount) -> Standing:
    """The account's standing, with every account of its neighbourhood locked until the transaction
    ends. Rows are locked in primary-key order, so that two activations of one group wait in turn and
    never deadlock."""
    # Lock first, then read: rows joined to a locked row (its hub account) are not read again after a
    # wait for the lock, so a read that waited could see an activated account without its hub account.
    near = neighbourhood(account)  # built once: its partners' lookups run before the lock, not twice
    list(near.select_related(None).select_for_update(of=("self",)).values_list("pk"))
    accounts = list(near)
    fresh = next(a for a in accounts if a.pk == account.pk)
    return standing_of(fresh, accounts)


def outcome_of(standing: Standing) -> Outcome:
    """What activating the account would do, read from its standing alone (no side effect)."""
    if standing.account.state != State.LOCAL:
        return Outcome.ALREADY_ACTIVE
    if standing.collision:
        return Outcome.NEEDS_NEW_USER_ID
    if standing.role is Role.REVIEW:
        return Outcome.REVIEW
    if standing.tunggal is not None and standing.tunggal.pk != standing.account.pk:
        return Outcome.MEMBER
    return Outcome.ACTIVATED


_NOTICES = {
    Outcome.NEEDS_NEW_USER_ID: "activation.collision_found",
    Outcome.REVIEW: "activation.review_notice",
    Outcome.MEMBER: "activation.member_notice",
}


def current_standing(account: PortalAccount) -> Standing:
    """The account's standing now, without locking (for showing a page)."""
    return standing_of(account, list(neighbourhood(account)))


def activate(account: PortalAccount, password: str) -> ActivationResult:
    """Activate an account whose own ``password`` was just checked (`authenticate_account`)."""
    with transaction.atomic():
        standing = _locked_standing(account)
        account = standing.account
        outcome = outcome_of(standing)
        if outcome is Outcome.ACTIVATED:
            try:
                _make_tunggal(account, password)
            except UserIdTaken:
                # No other vendor holds it, but a hub account (staff) does: a collision all the same.
                outcome = Outcome.NEEDS_NEW_USER_ID
            else:
                record(
                    "activation.activated", account, user_id=account.user_id, group_size=len(standing.group)
                )
        if outcome in _NOTICES:
            record(
                _NOTICES[outcome],
                account,
                findings=[f.value for f in standing.findings],
                tunggal=str(standing.tunggal or ""),
            )
        return ActivationResult(outcome, account, standing)


def link_member(account: PortalAccount, tunggal_password: str) -> ActivationResult:
    """Link a member to its group's User ID Tunggal, on the Tunggal's password (FAQ 12-13).

    If the Tunggal has not activated yet, the same password activates it too: it is the proof its own
    activation would ask for. `ActivationRefused` when the password is wrong. Where the standing has
    changed since the notice (a review, a new election), nothing is linked and the new outcome returns.
    """
    with transaction.atomic():
        standing = _locked_standing(account)
        account = standing.account
        outcome = outcome_of(standing)
        if outcome is not Outcome.MEMBER:
            return ActivationResult(outcome, account, standing)
        tunggal = standing.tunggal
        assert tunggal is not None
        if not password_matches(tunggal, tunggal_password):
            record("activation.tunggal_password_rejected", account, tunggal=str(tunggal))
            raise ActivationRefused(Refusal.WRONG_CREDENTIALS)
        if tunggal.state == State.LOCAL:
            _make_tunggal(tunggal, tunggal_password)
            record("activation.activated", tunggal, user_id=tunggal.user_id, by_member=str(account))
        _mark(account, State.LINKED, tunggal.identity)
        record("activation.linked", account, tunggal=tunggal.user_id)
        return ActivationResult(Outcome.LINKED, account, standing)


def _make_tunggal(account: PortalAccount, password: str):
    """Create the hub account of a User ID Tunggal from a portal account, and its vendor profile. The
    imported hash has just verified ``password``: the hub keeps it as argon2id from the first moment."""
    User = get_user_model()
    user = User(username=account.user_id, email=account.email.strip(), first_name=account.name[:150])
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise UserIdTaken(account.user_id) from None
    VendorProfile.objects.create(
        user=user, home_portal=account.portal, **{name: getattr(account, name) for name in PROFILE_FIELDS}
    )
    _mark(account, State.ACTIVATED, user)
    # A new identity for every other aggregated portal: a vendor may roam there from now on.
    publish_vendor_updated(user)
    return user


def _mark(account: PortalAccount, state: State, user) -> None:
    """Record the account as activated or linked to ``user``, and tell its portal (the outbox)."""
    account.state, account.identity, account.activated_at = state, user, timezone.now()
    account.save(update_fields=["state", "identity", "activated_at", "updated_at"])
    publish(
        _STATE_EVENTS[state],
        {
            "portal": account.portal.code,
            "user_id": account.user_id,
            "sub": str(user.sub),
            "user_id_tunggal": user.username,
        },
        portal=account.portal,
    )


_STATE_EVENTS = {State.ACTIVATED: "account.activated", State.LINKED: "account.linked"}


class UserIdTaken(Exception):
    """The user ID is held by another account (any portal, any case) or a hub account."""


class UserIdInvalid(ValueError):
    pass


_USER_ID = re.compile(USER_ID_PATTERN)


def user_id_available(user_id: str, *, besides: PortalAccount | None = None) -> bool:
    """Whether no account of any portal, no hub account and no registration waiting for (or past) its
    verification holds ``user_id`` in any case; ``besides`` and its own hub account do not count (a vendor
    may change the case of its user ID)."""
    key = user_id_key(user_id)
    accounts = PortalAccount.objects.filter(user_id_key=key)
    users = get_user_model().objects.filter(username__iexact=user_id)
    if besides is not None:
        accounts = accounts.exclude(pk=besides.pk)
        if besides.identity_id is not None and besides.state == State.ACTIVATED:
            users = users.exclude(pk=besides.identity_id)
    registrations = Registration.objects.filter(user_id__iexact=user_id).exclude(
        state=Registration.State.REJECTED
    )
    return not accounts.exists() and not users.exists() and not registrations.exists()


def change_user_id(account: PortalAccount, new_user_id: str, *, reason: str, actor=None) -> UserIdChange:
    """Give an account a new user ID, unique across every portal without regard to case. The account's
    portal is told; when the account is a User ID Tunggal, every aggregated portal is told too (its
    ``preferred_username`` changes, its ``sub`` does not)."""
    new_user_id = new_user_id.strip()
    if not _USER_ID.fullmatch(new_user_id):
        raise UserIdInvalid(new_user_id)
    with transaction.atomic():
        lock_user_id(new_user_id)
        account = PortalAccount.objects.select_for_update().get(pk=account.pk)
        if not user_id_available(new_user_id, besides=account):
            raise UserIdTaken(new_user_id)
        change = UserIdChange.objects.create(
            account=account, old_user_id=account.user_id, new_user_id=new_user_id, reason=reason, actor=actor
        )
        account.user_id = new_user_id
        account.user_id_key = user_id_key(new_user_id)
        account.save(update_fields=["user_id", "user_id_key", "updated_at"])
        if account.identity_id and account.state == State.ACTIVATED:
            user = account.identity
            user.username = new_user_id
            user.save(update_fields=["username"])
            publish_vendor_updated(user)
        record(
            "account.user_id_changed", account, actor, old=change.old_user_id, new=new_user_id, reason=reason
        )
        publish(
            "account.user_id_changed",
            {
                "portal": account.portal.code,
                "user_id": change.old_user_id,
                "new_user_id": new_user_id,
                "reason": reason,
                "sub": str(account.identity.sub) if account.identity_id else None,
            },
            portal=account.portal,
        )
    return change


def lock_user_id(user_id: str) -> None:
    """Hold a lock on a user ID until the transaction ends, so that two accounts cannot both take it.
    (SQLite runs one writing transaction at a time already.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [user_id_key(user_id)])


def explain_refused_login(user_id: str, password: str) -> str | None:
    """Why a hub sign-in with this user ID cannot work, if the password is right for a portal account of
    that user ID that is not a User ID Tunggal; None otherwise (then the usual "wrong user ID or password")."""
    candidates = PortalAccount.objects.select_related("portal", "identity").filter(
        user_id_key=user_id_key(user_id), portal__aggregation_active=True
    )[:5]
    for account in candidates:
        if account.state == State.ACTIVATED:
            continue
        if account.state == State.LINKED and account.identity is not None:
            if _matches_export(account, password):
                return _(
                    "User ID %(member)s is no longer used: it is linked to your User ID Tunggal "
                    "%(tunggal)s. Sign in with %(tunggal)s and its password."
                ) % {"member": account.user_id, "tunggal": account.identity.username}
        elif _matches_export(account, password):
            return _(
                "The account %(user_id)s of %(portal)s is not activated yet. Activate it first: it then "
                "signs in here and at every aggregated portal."
            ) % {"user_id": account.user_id, "portal": account.portal.name}
    return None
