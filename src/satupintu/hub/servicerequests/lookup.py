"""The user ID look-up (seed 004, FAQ 1): a vendor that forgot its user ID gives its company's data, and
the user IDs go to the email registered for it, never to the page.

Every accepted look-up queues exactly one email: the user IDs when the NPWP and the address given
belong to a vendor (its User ID Tunggal first, then its accounts at the portals), sent to that address as
it is registered; otherwise a neutral email, to the address given, that says no vendor with this NPWP
uses it. The page, the work and the mail count are the same either way; only the registered mailbox
learns a user ID.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from satupintu.core import npwp as npwp_rules
from satupintu.hub.audit.services import record
from satupintu.hub.links import hub_url
from satupintu.hub.mail.services import queue
from satupintu.hub.servicerequests import documents
from satupintu.hub.vendors.models import PortalAccount, State, VendorProfile


@dataclass(frozen=True)
class Found:
    """One user ID the vendor signs in with, and where."""

    user_id: str
    portal: str  # the portal's name
    tunggal: bool = False  # the User ID Tunggal: signs in at the hub and every aggregated portal
    state: str = ""  # for a portal's account: its activation state
    linked_to: str = ""  # for a linked account: the User ID Tunggal it signs in with now
    email: str = ""  # the registered address it was found by, as registered (trimmed)


@dataclass(frozen=True)
class LookUp:
    company_name: str
    address: str
    npwp: str  # canonical
    email: str


def look_up(request: LookUp, *, actor=None, ip: str = "") -> None:
    """Mail the user IDs of the vendor with this NPWP and this registered email to that email, or the
    neutral answer; audit the look-up."""
    found = find(request.npwp, request.email)
    # The two addresses differ at most in case, but the mailbox of record is the one that must receive
    # the user IDs, as the forgot-password link goes to it.
    to = found[0].email if found else request.email
    context = {
        "npwp": npwp_rules.format_display(request.npwp),
        "found": found,
        "hub": settings.SATUPINTU_ISSUER,
        "forgot_password": hub_url("account_reset_password"),
        "activation": hub_url("activation:start"),
        "email_change": hub_url("servicerequests:email_change"),
        "documents": [d.text for d in documents.checklist(documents.Kind.EMAIL_CHANGE)],
    }
    template = "user_ids" if found else "no_user_id"
    body = render_to_string(f"servicerequests/email/{template}.txt", context)
    with transaction.atomic():
        queue(to, _("Your SatuPintu user ID"), body, "servicerequests.user_id_lookup")
        details = {
            "npwp": request.npwp,
            "email": request.email,
            "company_name": request.company_name,
            "address": request.address,
            "ip": ip,
            "matched": bool(found),
        }
        if found:
            details["user_ids"] = [f"{f.portal}: {f.user_id}" for f in found]
        record(
            "servicerequest.user_id_lookup",
            None,
            actor if getattr(actor, "is_authenticated", False) else None,
            actor_label="" if getattr(actor, "is_authenticated", False) else "anonymous",
            **details,
        )


def find(npwp: str, email: str) -> list[Found]:
    """The user IDs of the vendors with this NPWP whose registered email is ``email`` (any case): User
    IDs Tunggal first, then the portals' accounts that are not one.

    Imported emails may carry stray spaces or capitals: both sides are compared trimmed and
    lower-cased, among the few rows of one NPWP. An activated or linked account is found by its User ID
    Tunggal's email: the portal's copy of the address stays as exported until the portal exports again,
    and may be one that the vendor or its LPSE has changed since."""
    key = email.strip().lower()
    tunggals: dict[int, Found] = {}
    profiles = VendorProfile.objects.filter(npwp_canonical=npwp, user__is_active=True).select_related(
        "user", "home_portal"
    )
    for profile in profiles:
        if profile.user.email.strip().lower() == key:
            tunggals[profile.user.pk] = _tunggal(profile)
    accounts: list[Found] = []
    rows = PortalAccount.objects.filter(npwp_canonical=npwp).select_related(
        "portal", "identity__vendor__home_portal"
    )
    for account in rows.order_by("portal__name", "user_id_key"):
        identity = account.identity
        if identity is not None and identity.is_active and hasattr(identity, "vendor"):
            if identity.email.strip().lower() != key:
                continue
            # The account signs in with its vendor's User ID Tunggal now: that one is told too.
            tunggals.setdefault(identity.pk, _tunggal(identity.vendor))
            if account.state == State.LINKED:
                accounts.append(
                    Found(
                        account.user_id,
                        account.portal.name,
                        state=State.LINKED,
                        linked_to=identity.username,
                        email=identity.email.strip(),
                    )
                )
        elif account.state == State.LOCAL and account.email.strip().lower() == key:
            accounts.append(
                Found(account.user_id, account.portal.name, state=State.LOCAL, email=account.email.strip())
            )
    return sorted(tunggals.values(), key=lambda f: f.user_id.lower()) + accounts


def _tunggal(profile: VendorProfile) -> Found:
    return Found(
        profile.user.username, profile.home_portal.name, tunggal=True, email=profile.user.email.strip()
    )
