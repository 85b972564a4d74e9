"""Service requests decided on documents (seed 004, FAQ 8-10): opening them as helpdesk tickets, and the
officer's decision.

A request is a ticket at the LPSE that serves the vendor; only that LPSE's helpdesk (and LKPP's
directorate) decides it. Approving applies the change in the decision's transaction, with its audit
record, the event that tells the portals, and the emails (the outbox). Every decision is written in the
ticket's thread and closes the ticket, which mails the requester.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.core import npwp as npwp_rules
from satupintu.hub.audit.services import record
from satupintu.hub.events.services import publish_vendor_updated
from satupintu.hub.helpdesk import services as helpdesk
from satupintu.hub.helpdesk.models import Activity, Category, Source, Status
from satupintu.hub.helpdesk.models import Kind as TicketKind
from satupintu.hub.helpdesk.uploads import CheckedPdf
from satupintu.hub.mail.services import mailable, queue
from satupintu.hub.portals.models import Portal
from satupintu.hub.registration.services import KnownAt, engine_check, record_of_profile
from satupintu.hub.servicerequests import documents
from satupintu.hub.servicerequests.documents import Kind
from satupintu.hub.servicerequests.models import ServiceRequest
from satupintu.hub.vendors.models import VendorProfile

# The tickets' titles, as LPSE helpdesks name these requests (stored with the ticket, like the
# registration's "Registrasi dan Verifikasi Berkas").
TITLES = {
    Kind.PASSWORD_RESET: "Reset Password Akun Penyedia",
    Kind.NPWP_CHANGE: "Perubahan NPWP Perusahaan",
    Kind.EMAIL_CHANGE: "Perubahan Alamat Email Perusahaan",
}


class Refused(Exception):
    """The request cannot be opened or decided this way; the message says why and what to do."""


class NeedsConfirmation(Refused):
    """The engine cannot tell whether the vendor under its new NPWP is the same as these accounts: the
    officer checks them and confirms."""

    def __init__(self, message: str, possible: list[dict]) -> None:
        super().__init__(message)
        self.possible = possible


class NotHandled(Exception):
    """The officer does not handle this request's ticket (another LPSE's, or not staff): it is not
    there for them."""


def link_days() -> int:
    """How long a set-password link works, in days, as the emails say it."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


# Opening -------------------------------------------------------------------------------------------------


def open_change(user, kind: str, files: Iterable[CheckedPdf], *, new_npwp: str = "", new_email: str = ""):
    """A signed-in vendor asks for an NPWP change (``new_npwp``, canonical) or an email change
    (``new_email``): a ticket at its home portal with the scans, and the request linked to it. One
    request of each kind waits at a time."""
    kind = Kind(kind)
    with transaction.atomic():
        # The vendor's row is the lock that keeps two submissions from both passing the check below.
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        profile = VendorProfile.objects.select_related("home_portal").get(user=user)
        waiting = ServiceRequest.objects.filter(vendor=user, kind=kind, state=ServiceRequest.State.SUBMITTED)
        if waiting.exists():
            raise Refused(
                _("Your earlier request of this kind (ticket %(number)s) is still waiting for the LPSE.")
                % {"number": waiting.first().ticket.number}
            )
        if kind == Kind.NPWP_CHANGE:
            description = _("NPWP change of %(name)s (user ID %(user_id)s): from %(old)s to %(new)s.") % {
                "name": profile.name,
                "user_id": user.username,
                "old": npwp_rules.format_display(profile.npwp_canonical),
                "new": npwp_rules.format_display(new_npwp),
            }
        else:
            description = _("Email change of %(name)s (user ID %(user_id)s): from %(old)s to %(new)s.") % {
                "name": profile.name,
                "user_id": user.username,
                "old": user.email or "-",
                "new": new_email,
            }
        ticket = helpdesk.open_ticket(user, _new_ticket(kind, description, profile.home_portal), files)
        service_request = ServiceRequest.objects.create(
            kind=kind, ticket=ticket, vendor=user, new_npwp=new_npwp, new_email=new_email
        )
        record(
            "servicerequest.submitted",
            service_request,
            user,
            kind=kind.value,
            ticket=ticket.pk,
            portal=ticket.portal.code,
            **({"new_npwp": new_npwp} if kind == Kind.NPWP_CHANGE else {"new_email": new_email}),
        )
    return service_request


@dataclass(frozen=True)
class PasswordResetApplication:
    """What the requester of a password reset by documents gives."""

    user_id: str
    npwp: str  # canonical
    delivery_email: str
    portal: Portal
    note: str = ""


def open_password_reset(requester, application: PasswordResetApplication, files: Iterable[CheckedPdf]):
    """A password reset for a vendor that cannot sign in, asked by ``requester`` (any hub account) at
    the LPSE where the vendor registered. Whether the user ID and NPWP match a vendor is kept for the
    officer only: the requester sees the same whatever they are, so that nobody learns from the page
    which user IDs go with which NPWP."""
    vendor = _vendor_matching(application.user_id, application.npwp)
    description = _(
        "Password reset by documents for the user ID %(user_id)s, NPWP %(npwp)s. The link to set a new "
        "password is to go to %(email)s."
    ) % {
        "user_id": application.user_id,
        "npwp": npwp_rules.format_display(application.npwp),
        "email": application.delivery_email,
    }
    if application.note.strip():
        description += "\n\n" + application.note.strip()
    with transaction.atomic():
        ticket = helpdesk.open_ticket(
            requester, _new_ticket(Kind.PASSWORD_RESET, description, application.portal), files
        )
        service_request = ServiceRequest.objects.create(
            kind=Kind.PASSWORD_RESET,
            ticket=ticket,
            vendor=vendor,
            given_user_id=application.user_id,
            given_npwp=application.npwp,
            delivery_email=application.delivery_email,
        )
        record(
            "servicerequest.submitted",
            service_request,
            requester,
            kind=Kind.PASSWORD_RESET.value,
            ticket=ticket.pk,
            portal=ticket.portal.code,
            user_id=application.user_id,
            npwp=application.npwp,
            delivery_email=application.delivery_email,
            matched=vendor is not None,
        )
    return service_request


def _new_ticket(kind: Kind, description: str, portal: Portal) -> helpdesk.NewTicket:
    return helpdesk.NewTicket(
        title=TITLES[kind],
        category=Category(kind.value),
        description=description,
        source=Source.WEB,
        kind=TicketKind.SERVICE_REQUEST,
        portal=portal,
    )


def _vendor_matching(user_id: str, npwp: str):
    """The User ID Tunggal with this user ID (any case) whose vendor has this NPWP, or None."""
    return (
        get_user_model()
        .objects.filter(username__iexact=user_id.strip(), vendor__npwp_canonical=npwp)
        .select_related("vendor")
        .first()
    )


# Reading -------------------------------------------------------------------------------------------------


def request_for(user, pk: int) -> ServiceRequest:
    """The request ``pk`` if ``user`` handles its ticket (`NotHandled` otherwise)."""
    service_request = (
        ServiceRequest.objects.select_related(
            "ticket__portal", "ticket__requester", "vendor__vendor__home_portal", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if service_request is None or not helpdesk.handles(user, service_request.ticket):
        raise NotHandled(pk)
    return service_request


def npwp_check(profile: VendorProfile, new_npwp: str) -> tuple[KnownAt, list[dict]]:
    """The duplicate check of a vendor under a new NPWP, at its address: (where a vendor that the engine
    finds to be the same one is registered, the accounts it cannot tell apart from it). The vendor's own
    accounts are left out."""
    return engine_check(replace(record_of_profile(profile), npwp=new_npwp), vendor=profile.user)


# Deciding ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Applied:
    audit: dict  # old and new values, for the decision's audit record
    told: str  # what was done, as the ticket's thread and the requester read it


def approve(
    service_request: ServiceRequest,
    officer,
    *,
    presented: list[int],
    note: str = "",
    confirmed: bool = False,
) -> ServiceRequest:
    """Approve on the documents ``presented`` (positions in the kind's checklist; every document always
    needed must be there) and apply the change. For an NPWP change, ``confirmed`` says that the officer
    has checked the accounts the engine could not tell apart from the vendor."""
    with transaction.atomic():
        service_request = _locked(service_request, officer)
        missing = documents.missing(service_request.kind, presented)
        if missing:
            raise Refused(
                _("Every document must be presented before approval. Not ticked: %(missing)s.")
                % {"missing": "; ".join(missing)}
            )
        applied = _APPLY[service_request.kind](service_request, officer, confirmed)
        _decide(service_request, officer, ServiceRequest.State.APPROVED, note, presented)
        record(
            "servicerequest.approved",
            service_request,
            officer,
            kind=service_request.kind,
            ticket=service_request.ticket_id,
            vendor=service_request.vendor.username,
            documents=documents.texts(service_request.kind, presented),
            note=note.strip(),
            **applied.audit,
        )
        _close(service_request, officer, applied.told, note)
    return service_request


def reject(service_request: ServiceRequest, officer, *, presented: list[int], reason: str) -> ServiceRequest:
    """Reject with the reason the requester is told; nothing changes."""
    reason = reason.strip()
    if not reason:
        raise Refused(_("Write the reason for the rejection: the requester receives it."))
    with transaction.atomic():
        service_request = _locked(service_request, officer)
        _decide(service_request, officer, ServiceRequest.State.REJECTED, reason, presented)
        record(
            "servicerequest.rejected",
            service_request,
            officer,
            kind=service_request.kind,
            ticket=service_request.ticket_id,
            vendor=service_request.vendor.username if service_request.vendor else "",
            documents=documents.texts(service_request.kind, presented),
            reason=reason,
        )
        _close(service_request, officer, _("Your request has been rejected."), reason)
    return service_request


def _locked(service_request: ServiceRequest, officer) -> ServiceRequest:
    locked = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("ticket__portal", "vendor")
        .get(pk=service_request.pk)
    )
    if not helpdesk.handles(officer, locked.ticket):
        raise NotHandled(locked.pk)
    if locked.state != ServiceRequest.State.SUBMITTED:
        raise Refused(_("This request has been decided already: reload the page."))
    return locked


def _decide(service_request: ServiceRequest, officer, state: str, reason: str, presented: list[int]) -> None:
    service_request.state = state
    service_request.decided_by = officer
    service_request.decided_at = timezone.now()
    service_request.reason = reason.strip()
    service_request.documents_presented = sorted(set(presented))
    service_request.save(update_fields=["state", "decided_by", "decided_at", "reason", "documents_presented"])


def _close(service_request: ServiceRequest, officer, told: str, words: str) -> None:
    """The decision in the ticket's thread with the documents presented, then the ticket closed with the
    decision and the officer's ``words``, which the helpdesk mails to the requester."""
    ticket = service_request.ticket
    documents_line = _("Documents presented: %(documents)s.") % {
        "documents": "; ".join(documents.texts(service_request.kind, service_request.documents_presented))
        or _("none")
    }
    helpdesk.note(ticket, officer, Activity.Kind.DECISION, f"{told}\n{documents_line}")
    helpdesk.set_status(ticket, officer, Status.CLOSED, "\n\n".join(p for p in (told, words.strip()) if p))


def _vendor_profile(service_request: ServiceRequest) -> VendorProfile:
    return (
        VendorProfile.objects.select_for_update()
        .select_related("user", "home_portal")
        .get(user=service_request.vendor)
    )


def _apply_email_change(service_request: ServiceRequest, officer, confirmed: bool) -> _Applied:
    """The vendor's email becomes the new address. The old one loses every way in: allauth's addresses
    of the account go (the old mailbox may be why the company asked), and a password reset finds the
    account only by its new address. Both addresses are told (the old one if mail can go to it)."""
    user = get_user_model().objects.select_for_update().get(pk=service_request.vendor_id)
    old, new = user.email, service_request.new_email
    user.email = new
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    record("vendor.email_changed", user, officer, old=old, new=new, request=service_request.pk)
    publish_vendor_updated(user)
    context = {"user": user, "old": old, "new": new, "ticket": service_request.ticket}
    subject = _("The email address of your SatuPintu account has changed")
    if mailable(old) and old.lower() != new.lower():
        body = render_to_string("servicerequests/email/email_changed_old.txt", context)
        queue(old, subject, body, "servicerequests.email_changed_old")
    body = render_to_string("servicerequests/email/email_changed_new.txt", context)
    queue(new, subject, body, "servicerequests.email_changed_new")
    told = _("Approved: the email address of the account %(user_id)s is now %(email)s.") % {
        "user_id": user.username,
        "email": new,
    }
    return _Applied({"old": old, "new": new}, told)


def _apply_npwp_change(service_request: ServiceRequest, officer, confirmed: bool) -> _Applied:
    """The duplicate check runs again for the vendor under its new NPWP: a vendor that is the same as
    another one is not given that NPWP (it activates or links that account instead), and accounts the
    engine cannot tell apart need the officer's confirmation."""
    profile = _vendor_profile(service_request)
    new = service_request.new_npwp
    same, possible = npwp_check(profile, new)
    if same:
        raise Refused(
            _(
                "A vendor with the NPWP %(npwp)s at this address is already registered at %(portals)s: this "
                "vendor is that one. Do not change the NPWP; reject the request and lead the vendor to "
                "activate that account, or to link it to its User ID Tunggal."
            )
            % {
                "npwp": npwp_rules.format_display(new),
                "portals": ", ".join(p.name for p in same.portals) or _("a registration in progress"),
            }
        )
    if possible and not confirmed:
        raise NeedsConfirmation(
            _(
                "The aggregation engine cannot tell whether these accounts with the NPWP %(npwp)s are this "
                "vendor: check them, then tick the confirmation and approve again."
            )
            % {"npwp": npwp_rules.format_display(new)},
            possible,
        )
    old = profile.npwp_canonical
    profile.npwp_canonical = new
    profile.save(update_fields=["npwp_canonical", "updated_at"])
    record(
        "vendor.npwp_changed",
        profile,
        officer,
        old=old,
        new=new,
        request=service_request.pk,
        possible=possible,
    )
    publish_vendor_updated(profile.user)
    told = _("Approved: the NPWP of the account %(user_id)s is now %(npwp)s.") % {
        "user_id": profile.user.username,
        "npwp": npwp_rules.format_display(new),
    }
    return _Applied({"old": old, "new": new, "possible": possible}, told)


def _apply_password_reset(service_request: ServiceRequest, officer, confirmed: bool) -> _Applied:
    """Mail a single-use link to set a new password to the address the requester gave. The password
    itself changes only when the vendor sets it there (allauth's reset, which is audited)."""
    user = service_request.vendor
    if user is None:
        raise Refused(
            _(
                "The user ID and NPWP given match no vendor: reject the request and ask the requester to "
                "check them (the user ID look-up sends a vendor its user ID)."
            )
        )
    user = get_user_model().objects.select_related("vendor").get(pk=user.pk)
    if user.vendor.npwp_canonical != service_request.given_npwp:
        raise Refused(_("The vendor's NPWP has changed since the request: reject it and ask for a new one."))
    if not user.is_active:
        raise Refused(_("This account is closed: it cannot be given a new password."))
    # The requester chose the LPSE; only one that registered the vendor knows the company whose
    # documents it checks.
    registered = _registered_at(user)
    if service_request.ticket.portal not in registered:
        raise Refused(
            _(
                "The vendor %(user_id)s is registered at %(portals)s, not at this LPSE: only the helpdesk of "
                "an LPSE where it registered resets its password. Reject the request and ask the requester "
                "to send it there."
            )
            % {"user_id": user.username, "portals": ", ".join(p.name for p in registered)}
        )
    # allauth's own reset key: the link opens its set-password page, and stops working once the password
    # changes (the key is made from the current hash) or after PASSWORD_RESET_TIMEOUT.
    link = get_adapter().get_reset_password_from_key_url(
        f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    )
    body = render_to_string(
        "servicerequests/email/password_link.txt",
        {"user": user, "link": link, "days": link_days(), "ticket": service_request.ticket},
    )
    queue(
        service_request.delivery_email,
        _("Set a new password for your SatuPintu account"),
        body,
        "servicerequests.password_link",
    )
    told = _(
        "Approved: a link to set a new password has been sent to %(email)s. It works once, for %(days)d days."
    ) % {"email": service_request.delivery_email, "days": link_days()}
    return _Applied({"delivery_email": service_request.delivery_email}, told)


def _registered_at(user) -> list[Portal]:
    """The LPSEs where a User ID Tunggal's vendor registered: its home portal and the portals of its
    accounts (activated or linked), by name."""
    portals = Portal.objects.filter(Q(home_vendors__user=user) | Q(accounts__identity=user)).distinct()
    return list(portals.order_by("name"))


_APPLY = {
    Kind.EMAIL_CHANGE: _apply_email_change,
    Kind.NPWP_CHANGE: _apply_npwp_change,
    Kind.PASSWORD_RESET: _apply_password_reset,
}
