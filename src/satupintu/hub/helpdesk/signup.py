"""The helpdesk's own accounts, for the public and a vendor's staff who have no account at any portal.

Vendors sign in to the helpdesk with their User ID Tunggal, registrants with the user ID of their
registration, LPSE staff with their staff accounts; anyone else signs up here with a user ID, a password
and an email. The account is inactive until the link mailed to that address is followed (24 hours), and
its user ID is taken from every portal like any other (``activation.services.user_id_available``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.hub.activation.services import lock_user_id, user_id_available
from satupintu.hub.audit.services import record
from satupintu.hub.helpdesk.models import PublicAccount
from satupintu.hub.mail.services import queue
from satupintu.hub.registration.services import LINK_HOURS, LINK_MAX_AGE

_SALT = "satupintu.helpdesk.signup"
# The link works as long as the registration's link (LINK_MAX_AGE), for the same reason.


class LinkProblem(Exception):
    """The link cannot confirm an account; ``account`` is set when it was known."""

    def __init__(self, account: PublicAccount | None = None) -> None:
        super().__init__()
        self.account = account


class LinkUnknown(LinkProblem):
    """Not a link we signed, copied incompletely, or its account is gone."""


class LinkExpired(LinkProblem):
    pass


class AlreadyConfirmed(LinkProblem):
    pass


@dataclass(frozen=True)
class SignUp:
    user_id: str
    name: str
    email: str
    password: str


def sign_up(new: SignUp, confirm_url) -> PublicAccount | None:
    """Make the inactive account and mail its link; ``confirm_url(token)`` builds the link's address.
    None when the user ID is taken (by an account of any portal, a hub account or a registration)."""
    with transaction.atomic():
        # The same lock and check as a user ID change and a registration.
        lock_user_id(new.user_id)
        _release_stale(new.user_id)
        if not user_id_available(new.user_id):
            return None
        user = get_user_model()(
            username=new.user_id, email=new.email, first_name=new.name[:150], is_active=False
        )
        user.set_password(new.password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # taken a moment ago, in a different case, where no lock covered it
            return None
        account = PublicAccount.objects.create(user=user)
        record("helpdesk.account_signed_up", user, user, email=new.email)
        _send_link(account, confirm_url)
    return account


def _stale(user_id: str) -> PublicAccount | None:
    return (
        PublicAccount.objects.select_related("user")
        .filter(
            user__username__iexact=user_id,
            user__is_active=False,
            confirmed_at__isnull=True,
            link_sent_at__lt=timezone.now() - LINK_MAX_AGE,
        )
        .first()
    )


def _release_stale(user_id: str) -> None:
    """A sign-up whose link expired unconfirmed gives its user ID back: an address nobody reads must not
    keep a user ID from a vendor."""
    stale = _stale(user_id)
    if stale is None:
        return
    user = stale.user
    try:
        with transaction.atomic():
            record("helpdesk.account_released", user, user_id=user.username, email=user.email)
            user.delete()
    except (ProtectedError, RestrictedError):  # something refers to it after all: it keeps its user ID
        return


def _send_link(account: PublicAccount, confirm_url) -> None:
    token = signing.TimestampSigner(salt=_SALT).sign(str(account.user.sub))
    body = render_to_string(
        "helpdesk/email_signup.txt",
        {"user": account.user, "url": confirm_url(token), "hours": LINK_HOURS},
    )
    queue(account.user.email, _("Confirm your SatuPintu helpdesk account"), body, "helpdesk.signup")


def _account_of(value: str) -> PublicAccount | None:
    try:
        sub = uuid.UUID(value)
    except ValueError:
        return None
    return PublicAccount.objects.select_related("user").filter(user__sub=sub).first()


def read_link(token: str) -> PublicAccount:
    """The unconfirmed account of this link (`LinkProblem` otherwise)."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        value, expired = signer.unsign(token, max_age=LINK_MAX_AGE), False
    except signing.SignatureExpired:
        # Signed by us, only too old: the account is known, to offer a new link.
        value, expired = signer.unsign(token), True
    except signing.BadSignature:
        raise LinkUnknown() from None
    account = _account_of(value)
    if account is None:
        raise LinkUnknown()
    if account.confirmed_at is not None:
        raise AlreadyConfirmed(account)
    if expired:
        raise LinkExpired(account)
    return account


def confirm(token: str) -> PublicAccount:
    """Follow the link: the account becomes active and can sign in."""
    with transaction.atomic():
        account = PublicAccount.objects.select_for_update().get(pk=read_link(token).pk)
        if account.confirmed_at is not None:  # confirmed in another tab meanwhile
            raise AlreadyConfirmed(account)
        account.confirmed_at = timezone.now()
        account.save(update_fields=["confirmed_at"])
        user = account.user
        user.is_active = True
        user.save(update_fields=["is_active"])
        record("helpdesk.account_confirmed", user, user)
    return account


def account_of_link(token: str) -> PublicAccount:
    """The unconfirmed account of a link, expired or not (`LinkUnknown` or `AlreadyConfirmed` otherwise):
    whom a new link goes to."""
    try:
        return read_link(token)
    except LinkExpired as expired:
        return expired.account


def send_new_link(account: PublicAccount, confirm_url) -> PublicAccount:
    """Mail a fresh link to an unconfirmed account (its old link expired, or the email was lost)."""
    with transaction.atomic():
        account = PublicAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
        if account.confirmed_at is not None:
            raise AlreadyConfirmed(account)
        record("helpdesk.account_link_sent_again", account.user, account.user)
        # The user ID stays held for as long as the new link works.
        account.link_sent_at = timezone.now()
        account.save(update_fields=["link_sent_at"])
        _send_link(account, confirm_url)
    return account
