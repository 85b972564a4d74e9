"""Verification of registrations by the LPSE each vendor chose (seed 003).

In person, the verifier ticks the originals the vendor shows at the desk. Online, the vendor opens the
helpdesk ticket "Registrasi dan Verifikasi Berkas" with PDF scans, the verifier schedules a video call
in which the originals are shown, and ticks them the same way. Either way the verifier then approves or
rejects with a reason.

Approval makes the registration's hub account a User ID Tunggal: a vendor profile, an activated
account at the verifying portal (so that the aggregation sees the vendor like any imported one), and
the identity published to every aggregated portal. The vendor roams from that moment. Every decision is
audited in its transaction and mailed through the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.aggregation.records import user_id_key
from satupintu.core import npwp as npwp_rules
from satupintu.hub.audit.services import record
from satupintu.hub.events.services import publish_vendor_updated
from satupintu.hub.helpdesk import services as helpdesk
from satupintu.hub.helpdesk.models import REGISTRATION_TITLE, Activity, Category, Kind, Source, Status, Ticket
from satupintu.hub.helpdesk.uploads import CheckedPdf
from satupintu.hub.mail.services import queue as queue_mail
from satupintu.hub.portals.scope import Scope, scope_for
from satupintu.hub.registration import documents
from satupintu.hub.registration.models import Registration, VerificationMethod
from satupintu.hub.registration.services import KnownAt, check_again
from satupintu.hub.vendors.models import PortalAccount, State, VendorProfile

PAGE_SIZE = 50


class NotInScope(Exception):
    """The registration does not exist for this user: another portal's, or none (shown as 404)."""


class VerificationRefused(Exception):
    """A step that cannot be taken now; the message says why and what to do."""


def scope_of(user) -> Scope | None:
    return scope_for(user, "registration.verify_registration", "registration.verify_any_portal")


def _registrations() -> QuerySet[Registration]:
    return Registration.objects.select_related("verifying_portal", "account", "decided_by")


def queue(
    scope: Scope, *, state: str = Registration.State.SUBMITTED, text: str = ""
) -> QuerySet[Registration]:
    """The registrations of the scope's portal in ``state``, oldest first (the longest wait first)."""
    registrations = _registrations().filter(state=state)
    if not scope.national:
        registrations = registrations.filter(verifying_portal=scope.portal)
    text = text.strip()
    if text:
        digits = "".join(c for c in text if c.isdigit())
        match = Q(user_id__icontains=text) | Q(name__icontains=text) | Q(email__icontains=text)
        if len(digits) >= 6:
            match |= Q(npwp_canonical__contains=digits)
        registrations = registrations.filter(match)
    return registrations.order_by("submitted_at", "pk")


def registration_in_scope(scope: Scope, pk: int) -> Registration:
    registration = _registrations().filter(pk=pk).first()
    if registration is None or not (scope.national or registration.verifying_portal_id == scope.portal.pk):
        raise NotInScope(pk)
    return registration


def online_ticket(registration: Registration) -> Ticket | None:
    """The registration's online verification ticket: the open one, else the latest."""
    tickets = registration.tickets.select_related("portal").prefetch_related("attachments")
    return tickets.exclude(status=Status.CLOSED).first() or tickets.order_by("-created_at").first()


# The vendor's side ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCheck:
    """The duplicate check of a waiting registration on today's accounts, as approval will run it."""

    same: KnownAt
    possible: list[dict]


def duplicate_check(registration: Registration) -> DuplicateCheck | None:
    """What approval would find today (an import since submission may have brought the same vendor, or
    an account the engine cannot tell apart from it); None once the registration is decided."""
    if registration.state != Registration.State.SUBMITTED:
        return None
    return DuplicateCheck(*check_again(registration))


def start_online(registration: Registration, description: str, files: Iterable[CheckedPdf]) -> Ticket:
    """The registrant asks for online verification: the ticket "Registrasi dan Verifikasi Berkas" at its
    LPSE, with the scans of its documents. A second request leads to the open ticket."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.state != Registration.State.SUBMITTED:
            raise VerificationRefused(_("This registration has been decided already."))
        existing = registration.tickets.exclude(status=Status.CLOSED).first()
        if existing is not None:
            return existing
        ticket = helpdesk.open_ticket(
            registration.account,
            helpdesk.NewTicket(
                title=REGISTRATION_TITLE,
                category=Category.REGISTRATION,
                description=description,
                source=Source.WEB,
                kind=Kind.SERVICE_REQUEST,
                portal=registration.verifying_portal,
                registration=registration,
            ),
            files,
        )
        registration.method = VerificationMethod.ONLINE
        registration.save(update_fields=["method"])
        record(
            "registration.online_verification_requested", registration, registration.account, ticket=ticket.pk
        )
    return ticket


# The verifier's side ----------------------------------------------------------------------------------


def _locked(registration: Registration) -> Registration:
    registration = _registrations().select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.state != Registration.State.SUBMITTED:
        raise VerificationRefused(_("This registration has been decided already: reload the page."))
    return registration


def schedule_call(registration: Registration, verifier, when: datetime, how: str) -> Registration:
    """Schedule the video call of an online verification; the vendor is told in the ticket and by email."""
    with transaction.atomic():
        registration = _locked(registration)
        ticket = online_ticket(registration)
        if ticket is None or ticket.status == Status.CLOSED:
            raise VerificationRefused(
                _("The vendor has not asked for online verification: there is no open ticket to schedule in.")
            )
        registration.video_call_at, registration.video_call_note = when, how
        registration.save(update_fields=["video_call_at", "video_call_note"])
        text = render_to_string(
            "verification/email_call.txt", {"registration": registration, "ticket": ticket}
        ).strip()
        helpdesk.note(ticket, verifier, Activity.Kind.SCHEDULE, text)
        queue_mail(
            registration.email,
            _("Video call for the verification of %(user_id)s") % {"user_id": registration.user_id},
            text,
            "verification.call",
        )
        record("registration.call_scheduled", registration, verifier, at=when.isoformat(), how=how)
    return registration


def approve(
    registration: Registration, verifier, *, method: str, originals_seen: list[int], note: str = ""
) -> Registration:
    """Approve a registration whose originals the verifier has seen (every one its legal form needs),
    after checking once more that the vendor is not already known."""
    with transaction.atomic():
        registration = _locked(registration)
        if registration.account_id is None:
            raise VerificationRefused(
                _(
                    "This registration has no account to approve: reject it and ask the vendor to register again."
                )
            )
        required = documents.required_documents(registration.legal_form)
        missing = [str(required[i]) for i in range(len(required)) if i not in set(originals_seen)]
        if missing:
            raise VerificationRefused(
                _("Every original must be seen before approval. Not ticked: %(missing)s.")
                % {"missing": "; ".join(missing)}
            )
        if method == VerificationMethod.ONLINE:
            _check_online_ready(registration)
        same, _possible = check_again(registration)
        if same:
            raise VerificationRefused(
                _(
                    "This vendor is already registered at %(portals)s: reject the registration and lead "
                    "the vendor to activation there."
                )
                % {"portals": ", ".join(p.name for p in same.portals) or _("another registration")}
            )
        _check_user_id_free(registration)
        user = registration.account
        _make_vendor(registration, user)
        _decide(registration, verifier, Registration.State.APPROVED, note, method=method, seen=originals_seen)
        publish_vendor_updated(user)
        record(
            "registration.approved",
            registration,
            verifier,
            user_id=registration.user_id,
            method=method,
            originals_seen=[str(required[i]) for i in sorted(set(originals_seen)) if i < len(required)],
            note=note,
        )
        _tell(
            registration, verifier, "verification/email_approved.txt", _("Registration approved: %(user_id)s")
        )
    return registration


def reject(registration: Registration, verifier, *, reason: str) -> Registration:
    """Reject a registration with the reason the vendor is told. Its hub account is closed; the user ID
    stays with it (see `Registration` constraints)."""
    if not reason.strip():
        raise VerificationRefused(_("Write the reason for the rejection: the vendor receives it."))
    with transaction.atomic():
        registration = _locked(registration)
        _decide(registration, verifier, Registration.State.REJECTED, reason.strip())
        user = registration.account
        if user is not None:  # None only for a registration stored before submission made the account
            user.is_active = False
            user.save(update_fields=["is_active"])
        record(
            "registration.rejected",
            registration,
            verifier,
            user_id=registration.user_id,
            reason=reason.strip(),
        )
        _tell(
            registration, verifier, "verification/email_rejected.txt", _("Registration rejected: %(user_id)s")
        )
    return registration


def _check_online_ready(registration: Registration) -> None:
    ticket = online_ticket(registration)
    if ticket is None or not ticket.attachments.exists():
        raise VerificationRefused(
            _("An online verification needs the vendor's scans in its ticket: ask the vendor to upload them.")
        )
    if registration.video_call_at is None:
        raise VerificationRefused(_("Schedule the video call first: the originals are shown in it."))


def _check_user_id_free(registration: Registration) -> None:
    """Refuse when an import since submission brought an account with the registration's user ID (the
    import checks no registration): the verifying portal cannot hold a second account of it, and a User ID
    Tunggal shared with another vendor's account is the conflict every holder must resolve (case 1)."""
    holders = PortalAccount.objects.filter(user_id_key=user_id_key(registration.user_id))
    portals = sorted(set(holders.values_list("portal__name", flat=True)))
    if portals:
        raise _user_id_taken(registration, portals)


def _user_id_taken(registration: Registration, portals: list[str]) -> VerificationRefused:
    return VerificationRefused(
        _(
            "The user ID %(user_id)s is now also used by an account imported at %(portals)s: reject the "
            "registration and ask the vendor to register again with another user ID."
        )
        % {"user_id": registration.user_id, "portals": ", ".join(portals)}
    )


def _make_vendor(registration: Registration, user) -> None:
    """The vendor profile and the activated account at the verifying portal of a new User ID Tunggal."""
    identity = {
        name: getattr(registration, name)
        for name in ("name", "address", "province", "regency", "postal_code", "phone")
    }
    VendorProfile.objects.create(
        user=user,
        home_portal=registration.verifying_portal,
        npwp_canonical=registration.npwp_canonical,
        status=registration.office_status,
        **identity,
    )
    now = timezone.now()
    try:
        # An import of the verifying portal that commits between the check and here takes the user ID
        # first: refused like the check refuses, not a server error.
        with transaction.atomic():
            _activated_account(registration, user, identity, now)
    except IntegrityError:
        raise _user_id_taken(registration, [registration.verifying_portal.name]) from None


def _activated_account(registration: Registration, user, identity: dict, now) -> None:
    PortalAccount.objects.create(
        portal=registration.verifying_portal,
        user_id=registration.user_id,
        user_id_key=user_id_key(registration.user_id),
        npwp=npwp_rules.format_display(registration.npwp_canonical),
        npwp_canonical=registration.npwp_canonical,
        email=registration.email,
        registered_at=timezone.localtime(registration.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
        status=registration.office_status,
        state=State.ACTIVATED,
        identity=user,
        activated_at=now,
        verified=True,
        **identity,
    )


def _decide(
    registration: Registration, verifier, state: str, reason: str, *, method: str = "", seen=()
) -> None:
    registration.state = state
    registration.decided_at = timezone.now()
    registration.decided_by = verifier
    registration.decision_reason = reason
    if method:
        registration.method = method
    registration.originals_seen = sorted(set(seen))
    registration.save(
        update_fields=["state", "decided_at", "decided_by", "decision_reason", "method", "originals_seen"]
    )


def _tell(registration: Registration, verifier, template: str, subject: str) -> None:
    """Mail the decision, and write it in the online ticket, which it closes. Only an approved vendor is
    asked to evaluate the ticket: a rejected one can no longer sign in to do it."""
    text = render_to_string(template, {"registration": registration}).strip()
    queue_mail(registration.email, subject % {"user_id": registration.user_id}, text, "verification.decision")
    ticket = registration.tickets.exclude(status=Status.CLOSED).first()
    if ticket is not None:
        helpdesk.note(ticket, verifier, Activity.Kind.DECISION, text)
        approved = registration.state == Registration.State.APPROVED
        helpdesk.set_status(ticket, verifier, Status.CLOSED, mail=approved)
