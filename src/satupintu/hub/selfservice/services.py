"""The vendor's self-service at the hub: its User ID Tunggal, password and identity data.

Every change is audited in its own transaction, and every change that the portals see (user ID, identity
data, a confirmed email address) publishes ``vendor.updated`` in that transaction too. Passwords never go
into an event or an audit record.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string

from satupintu.hub.activation import services as activation
from satupintu.hub.activation.models import UserIdChange
from satupintu.hub.audit.services import record
from satupintu.hub.events.services import publish_vendor_updated
from satupintu.hub.links import hub_url
from satupintu.hub.mail.services import queue
from satupintu.hub.portals.models import Portal
from satupintu.hub.sso.services import tunggal_account
from satupintu.hub.vendors.models import VendorProfile

# The identity data a vendor edits here. The NPWP is not among them: it is the identity itself, and a
# wrong one is corrected by the LPSE's review.
IDENTITY_FIELDS = ("name", "address", "province", "regency", "postal_code", "phone")

_EMAIL_SALT = "satupintu.selfservice.email"
# How long the link that confirms a new email address works.
EMAIL_LINK_MAX_AGE = 3 * 24 * 3600


class NotATunggal(Exception):
    """The user has no activated portal account behind it, so its user ID is not the vendor's to change."""


def vendor_of(user) -> VendorProfile | None:
    """The vendor profile of a signed-in User ID Tunggal; None for staff and anonymous users."""
    if not user.is_authenticated:
        return None
    return VendorProfile.objects.select_related("home_portal").filter(user=user).first()


def back_portal(code: str | None) -> Portal | None:
    """The aggregated portal that sent the vendor here, by its code; anything else is None, so that the
    page only ever links back to a registered portal's address."""
    if not code:
        return None
    return Portal.objects.filter(code=code, aggregation_active=True).first()


def email_state(user) -> tuple[bool, str]:
    """Whether the current email address is verified, and the new address waiting for confirmation."""
    addresses = list(EmailAddress.objects.filter(user=user))
    verified = any(a.verified and a.email.lower() == user.email.lower() for a in addresses)
    pending = next(
        (a.email for a in addresses if not a.verified and a.email.lower() != user.email.lower()), ""
    )
    return verified, pending


# User ID ------------------------------------------------------------------------------------------------


def change_user_id(user, new_user_id: str) -> UserIdChange:
    """Give the vendor's User ID Tunggal a new user ID (see `activation.services.change_user_id`:
    `UserIdTaken`, `UserIdInvalid`). The account's portal and every aggregated portal are told."""
    account = tunggal_account(user)
    if account is None:
        raise NotATunggal(user.username)
    return activation.change_user_id(account, new_user_id, reason="self_service", actor=user)


# Password -----------------------------------------------------------------------------------------------


def reject_current_password(user, purpose: str) -> None:
    """Audit a wrong current password (the rate limit counts it in the view)."""
    record("account.password_rejected", user, user, purpose=purpose)


def change_password(user, new_password: str) -> None:
    """Set a new password (already validated against the policy); argon2id, as every new hash."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record("account.password_changed", user, user)


# Identity data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityUpdate:
    changes: dict[str, tuple[str, str]]  # field -> (old, new)
    email_requested: str = ""  # the new address a confirmation link was sent to


def update_identity(user, data: dict[str, str]) -> IdentityUpdate:
    """Apply the identity fields of ``data`` that differ from the profile, audit them (old → new) and tell
    every aggregated portal; then, when ``data["email"]`` is a new address, mail it a confirmation link
    (through the outbox, in the same transaction). The address changes only once the link is followed."""
    email = data.get("email", "").strip()
    with transaction.atomic():
        profile = VendorProfile.objects.select_for_update().get(user=user)
        changes = {
            name: (getattr(profile, name), data[name])
            for name in IDENTITY_FIELDS
            if getattr(profile, name) != data[name]
        }
        if changes:
            for name, (_old, new) in changes.items():
                setattr(profile, name, new)
            profile.save(update_fields=[*changes, "updated_at"])
            if "name" in changes:
                user.first_name = profile.name[:150]
                user.save(update_fields=["first_name"])
            record("vendor.identity_changed", profile, user, changes={k: list(v) for k, v in changes.items()})
            publish_vendor_updated(user)
        if email and email.lower() != user.email.lower():
            request_email_change(user, email)
            return IdentityUpdate(changes, email)
    return IdentityUpdate(changes)


def request_email_change(user, new_email: str) -> None:
    """Mail ``new_email`` a link that makes it the vendor's verified address. It replaces any earlier
    request; the current address stays until the link is followed. ``new_email`` may be the current
    address, to verify it. The email goes through the outbox: a mail server that is down delays it,
    and the request is kept."""
    token = signing.dumps({"user": user.pk, "email": new_email}, salt=_EMAIL_SALT, compress=True)
    link = hub_url("selfservice:confirm_email", token)
    context = {"user": user, "email": new_email, "link": link, "days": EMAIL_LINK_MAX_AGE // 86400}
    subject = render_to_string("selfservice/email/confirm_subject.txt", context).strip()
    body = render_to_string("selfservice/email/confirm_body.txt", context)
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, primary=False).exclude(email__iexact=user.email).delete()
        if new_email.lower() != user.email.lower():
            EmailAddress.objects.create(user=user, email=new_email, verified=False, primary=False)
        queue(new_email, subject, body, "selfservice.confirm_email")
        record("vendor.email_change_requested", user, user, old=user.email, new=new_email)


class EmailConfirmation(enum.StrEnum):
    CONFIRMED = "confirmed"
    INVALID = "invalid"  # altered, expired, or replaced by a later request
    TAKEN = "taken"  # another account has confirmed this address already


@dataclass(frozen=True)
class EmailConfirmationResult:
    outcome: EmailConfirmation
    email: str = ""


def read_email_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=_EMAIL_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return data["user"], data["email"]


def confirm_email(token: str) -> EmailConfirmationResult:
    """Make the address of a confirmation link the vendor's verified email address, audit the change and
    tell every aggregated portal."""
    read = read_email_token(token)
    if read is None:
        return EmailConfirmationResult(EmailConfirmation.INVALID)
    user_pk, email = read
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(pk=user_pk).first()
        if user is None:
            return EmailConfirmationResult(EmailConfirmation.INVALID)
        current = email.lower() == user.email.lower()
        addresses = EmailAddress.objects.filter(user=user, email__iexact=email)
        if current and addresses.filter(verified=True).exists():
            return EmailConfirmationResult(EmailConfirmation.CONFIRMED, email)  # a second click
        if not current and not addresses.filter(verified=False).exists():
            return EmailConfirmationResult(EmailConfirmation.INVALID, email)
        # allauth keeps a verified address to one account.
        if EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user=user).exists():
            return EmailConfirmationResult(EmailConfirmation.TAKEN, email)
        old = user.email
        user.email = email
        user.save(update_fields=["email"])
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        action = "vendor.email_verified" if current else "vendor.email_changed"
        record(action, user, user, old=old, new=email)
        publish_vendor_updated(user)
    return EmailConfirmationResult(EmailConfirmation.CONFIRMED, email)
