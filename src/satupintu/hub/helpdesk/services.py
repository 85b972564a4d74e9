"""The helpdesk's rules: who sees a ticket, how it moves from new to closed, and what is told to whom.

A ticket is seen by its requester, by the helpdesk staff of its portal and by LKPP's directorate; to
anyone else it does not exist (404). Every change writes an audit event in its transaction; the
requester is mailed (through the outbox) when the helpdesk answers or closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg, Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.hub.audit.services import record
from satupintu.hub.helpdesk.models import (
    SERVICE_TARGET_HOURS,
    Activity,
    Attachment,
    Category,
    Evaluation,
    Status,
    Ticket,
)
from satupintu.hub.helpdesk.uploads import CheckedPdf
from satupintu.hub.links import hub_url
from satupintu.hub.mail.services import mailable, queue
from satupintu.hub.portals.models import Portal
from satupintu.hub.portals.scope import Scope, scope_for
from satupintu.hub.registration.models import Registration
from satupintu.hub.registration.services import pending_registration


class NotVisible(Exception):
    """The ticket does not exist for this user (another portal's, someone else's, or none)."""


class NotAllowed(Exception):
    """The user sees the ticket but may not do this to it; the message says why."""


def staff_scope(user) -> Scope | None:
    """The tickets ``user`` handles as helpdesk staff: one portal's, every portal's, or None."""
    return scope_for(user, "helpdesk.handle_ticket", "helpdesk.handle_any_portal")


def _tickets() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("portal", "requester", "assignee", "registration")


def handled_by(scope: Scope) -> QuerySet[Ticket]:
    return _tickets() if scope.national else _tickets().filter(portal=scope.portal)


def requested_by(user) -> QuerySet[Ticket]:
    return _tickets().filter(requester=user)


def ticket_for(user, pk: int) -> Ticket:
    """The ticket ``pk`` if ``user`` may see it: its requester or its portal's staff."""
    ticket = _tickets().filter(pk=pk).first()
    if ticket is None or not (ticket.requester_id == user.pk or handles(user, ticket)):
        raise NotVisible(pk)
    return ticket


def handles(user, ticket: Ticket) -> bool:
    return handles_portal(user, ticket.portal_id)


def handles_portal(user, portal_id: int) -> bool:
    """Whether ``user`` is helpdesk staff of the portal ``portal_id`` (or of every portal)."""
    scope = staff_scope(user)
    return scope is not None and (scope.national or scope.portal.pk == portal_id)


def _staff_or_requester(user, ticket: Ticket) -> bool:
    """Whether ``user`` handles ``ticket``; `NotVisible` unless it does or requested it. Every change
    checks it itself, whoever calls: another portal's staff never act on a ticket they cannot see."""
    staff = handles(user, ticket)
    if not staff and ticket.requester_id != user.pk:
        raise NotVisible(ticket.pk)
    return staff


def home_portal_of(user) -> Portal | None:
    """The LPSE that serves ``user``: its vendor profile's home portal, or the LPSE that verifies its
    registration; None for the public (they choose)."""
    vendor = getattr(user, "vendor", None) if user.is_authenticated else None
    if vendor is not None:
        return vendor.home_portal
    registration = pending_registration(user)
    return registration.verifying_portal if registration else None


@dataclass(frozen=True)
class NewTicket:
    title: str
    category: str
    description: str
    source: str
    kind: str
    portal: Portal
    registration: Registration | None = None


def open_ticket(requester, new: NewTicket, files: Iterable[CheckedPdf] = (), *, actor=None) -> Ticket:
    """Open a ticket for ``requester`` (by ``actor``, an officer recording a phone call or a visit, or
    the requester), with its first files. An officer records tickets only for an LPSE it handles."""
    actor = actor or requester
    if actor != requester and not handles_portal(actor, new.portal.pk):
        raise NotAllowed(_("You record tickets only for the LPSE whose helpdesk you work for."))
    with transaction.atomic():
        ticket = Ticket.objects.create(
            title=new.title,
            category=new.category,
            description=new.description,
            source=new.source,
            kind=new.kind,
            portal=new.portal,
            requester=requester,
            registration=new.registration,
        )
        files = list(files)
        if files:
            _attach(ticket, actor, files)
        record(
            "helpdesk.ticket_opened",
            ticket,
            actor,
            portal=ticket.portal.code,
            category=ticket.category,
            registration=ticket.registration_id,
            files=[f.name for f in files],
        )
        _mail_requester(ticket, "helpdesk/email_opened.txt", _("Ticket %(number)s received"))
    return ticket


def add_files(ticket: Ticket, user, files: Iterable[CheckedPdf], message: str = "") -> Activity:
    """Add documents to an open ticket (a requester completing what the helpdesk asked for)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        _staff_or_requester(user, ticket)
        if ticket.status == Status.CLOSED:
            raise NotAllowed(_("The ticket is closed: open a new ticket."))
        activity = _attach(ticket, user, list(files), message)
        if ticket.requester_id == user.pk and ticket.status == Status.WAITING_FOR_VENDOR:
            _move(ticket, user, Status.IN_PROGRESS)
        record("helpdesk.files_added", ticket, user, files=[a.name for a in activity.attachments.all()])
    return activity


def _attach(ticket: Ticket, user, files: list[CheckedPdf], message: str = "", activity=None) -> Activity:
    """Store ``files`` under ``activity`` (a reply that carries them), or under a new "files added" line."""
    if activity is None:
        activity = Activity.objects.create(
            ticket=ticket, kind=Activity.Kind.ATTACHMENT, author=user, body=message
        )
    for pdf in files:
        attachment = Attachment(
            ticket=ticket,
            activity=activity,
            name=pdf.name[:200],
            size=len(pdf.content),
            pages=pdf.pages,
            sha256=pdf.sha256,
            uploaded_by=user,
        )
        attachment.file.save(pdf.sha256 + ".pdf", ContentFile(pdf.content), save=False)
        attachment.save()
    return activity


def reply(
    ticket: Ticket, user, body: str, *, status: str | None = None, files: Iterable[CheckedPdf] = ()
) -> Activity:
    """Add a reply (with files, if any) to the thread. The requester's reply puts a ticket that waited for
    it back in progress; staff may set the status with their reply (and take the ticket if nobody has)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        staff = _staff_or_requester(user, ticket)
        if ticket.status == Status.CLOSED and not staff:
            raise NotAllowed(_("The ticket is closed: open a new ticket."))
        if staff:
            target = status or (Status.IN_PROGRESS if ticket.status == Status.NEW else ticket.status)
            # Refused before any file is stored: a rollback does not take files back from the storage.
            _may_reopen(ticket, target)
        activity = Activity.objects.create(ticket=ticket, kind=Activity.Kind.REPLY, author=user, body=body)
        files = list(files)
        if files:
            _attach(ticket, user, files, activity=activity)
        if staff:
            if ticket.assignee_id is None:
                ticket.assignee = user
            old = ticket.status
            _move(ticket, user, target)
            # A reply that closes the ticket is the closing email: it asks for the evaluation.
            if ticket.status == Status.CLOSED and old != Status.CLOSED:
                _mail_requester(ticket, "helpdesk/email_closed.txt", _("Ticket %(number)s closed"), body=body)
            else:
                _mail_requester(
                    ticket, "helpdesk/email_reply.txt", _("Reply to ticket %(number)s"), body=body
                )
        elif ticket.status == Status.WAITING_FOR_VENDOR:
            _move(ticket, user, Status.IN_PROGRESS)
        ticket.save()
        record(
            "helpdesk.replied", ticket, user, staff=staff, status=ticket.status, files=[f.name for f in files]
        )
    return activity


def set_status(ticket: Ticket, user, status: str, note: str = "", *, mail: bool = True) -> Ticket:
    """Staff move a ticket; the requester may only close its own. ``mail=False`` closes without the
    closing email (the caller has told the requester already, and no evaluation is to be asked)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if not handles(user, ticket) and not (ticket.requester_id == user.pk and status == Status.CLOSED):
            raise NotAllowed(_("Only the helpdesk of the ticket's LPSE can change its status."))
        old = ticket.status
        _move(ticket, user, status, note)
        ticket.save()
        # Told once: closing a ticket that is closed already (a decision after the requester closed it)
        # sends nothing more.
        closed_now = status == Status.CLOSED and old != Status.CLOSED
        if mail and closed_now and ticket.requester_id != user.pk:
            _mail_requester(ticket, "helpdesk/email_closed.txt", _("Ticket %(number)s closed"), body=note)
    return ticket


def _move(ticket: Ticket, user, status: str, note: str = "") -> None:
    if status not in Status.values:
        raise NotAllowed(_("Choose a status from the list."))
    if status == ticket.status and not note:
        return
    _may_reopen(ticket, status)
    old = ticket.status
    ticket.status = status
    if status != old:
        # A note on a closed ticket keeps the time it was closed: its age stops there.
        ticket.closed_at = timezone.now() if status == Status.CLOSED else None
    Activity.objects.create(
        ticket=ticket, kind=Activity.Kind.STATUS, author=user, body=note, status_to=status
    )
    ticket.save()
    record("helpdesk.status_changed", ticket, user, old=old, new=status, note=note)


def _may_reopen(ticket: Ticket, status: str) -> None:
    """A registration has one open online verification ticket (the documents stay in one thread): an
    older one of it opens again only when no other is open."""
    if ticket.status != Status.CLOSED or status == Status.CLOSED or ticket.registration_id is None:
        return
    other = (
        Ticket.objects.filter(registration_id=ticket.registration_id)
        .exclude(pk=ticket.pk)
        .exclude(status=Status.CLOSED)
        .first()
    )
    if other is not None:
        raise NotAllowed(
            _("Ticket %(number)s of the same registration is open: answer there, or close it first.")
            % {"number": other.number}
        )


def note(ticket: Ticket, user, kind: str, body: str) -> Activity:
    """A line of the thread written by another part of the hub (a scheduled call, a decision)."""
    activity = Activity.objects.create(ticket=ticket, kind=kind, author=user, body=body)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return activity


def evaluate(ticket: Ticket, user, answers: dict[str, int], comment: str = "") -> Evaluation:
    """The requester's evaluation of its closed ticket, once."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.requester_id != user.pk:
            raise NotAllowed(_("Only the requester evaluates a ticket."))
        if ticket.status != Status.CLOSED:
            raise NotAllowed(_("A ticket is evaluated once it is closed."))
        if Evaluation.objects.filter(ticket=ticket).exists():
            raise NotAllowed(_("This ticket has been evaluated already."))
        given = {f: answers[f] for f in Evaluation.FIELDS}
        evaluation = Evaluation.objects.create(ticket=ticket, comment=comment, **given)
        record("helpdesk.evaluated", ticket, user, **given)
    return evaluation


def _locked(ticket: Ticket) -> Ticket:
    return _tickets().select_for_update(of=("self",)).get(pk=ticket.pk)


def _mail_requester(ticket: Ticket, template: str, subject: str, body: str = "") -> None:
    email = ticket.requester.email
    if not mailable(email):  # an imported address that is none: the thread at the hub still tells
        return
    url = hub_url("helpdesk:ticket", ticket.pk)
    text = render_to_string(template, {"ticket": ticket, "body": body, "url": url})
    queue(email, subject % {"number": ticket.number}, text, f"helpdesk.{template.split('/')[-1][6:-4]}")


# Reports ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    by_status: list[dict]
    by_category: list[dict]
    by_portal: list[dict]
    ratings: dict[str, float | None]
    evaluations: int


def report(scope: Scope, since: date | None = None, until: date | None = None, now=None) -> Report:
    """Tickets per status, category and LPSE, and the average of every evaluation question, over the
    tickets opened from ``since`` to ``until`` (days in the hub's time zone, both included)."""
    tickets = Ticket.objects.all() if scope.national else Ticket.objects.filter(portal=scope.portal)
    if since:
        tickets = tickets.filter(created_at__date__gte=since)
    if until:
        tickets = tickets.filter(created_at__date__lte=until)
    evaluations = Evaluation.objects.filter(ticket__in=tickets)
    averages = evaluations.aggregate(**{f: Avg(f) for f in Evaluation.FIELDS})
    by_portal = []
    for row in _by_portal(tickets, now or timezone.now()):
        # The portal's rating: the mean answer over every question of its evaluations.
        total = row.pop("rating_sum")
        closed = row["count"] - row["open"]
        row["closed_in_time"] = sum(row.pop(f"in_time_{c}") for c in Category.values)
        row["open_late"] = sum(row.pop(f"late_{c}") for c in Category.values)
        row["in_time_share"] = row["closed_in_time"] / closed if closed else None
        by_portal.append({**row, "rating": total / len(Evaluation.FIELDS) if total is not None else None})
    return Report(
        by_status=list(tickets.values("status").annotate(count=Count("id")).order_by("status")),
        by_category=list(tickets.values("category").annotate(count=Count("id")).order_by("category")),
        by_portal=by_portal,
        ratings=averages,
        evaluations=evaluations.count(),
    )


def _by_portal(tickets: QuerySet[Ticket], now):
    first, *rest = Evaluation.FIELDS
    total = sum((F(f"evaluation__{f}") for f in rest), F(f"evaluation__{first}"))
    # Against each category's service target: closed within it, or still open past it.
    against_target = {}
    for category in Category.values:
        target = timedelta(hours=SERVICE_TARGET_HOURS[category])
        of_category = Q(category=category)
        against_target[f"in_time_{category}"] = Count(
            "id", filter=of_category & Q(status=Status.CLOSED, closed_at__lte=F("created_at") + target)
        )
        against_target[f"late_{category}"] = Count(
            "id", filter=of_category & ~Q(status=Status.CLOSED) & Q(created_at__lt=now - target)
        )
    return (
        tickets.values("portal__code", "portal__name")
        .annotate(
            count=Count("id"),
            open=Count("id", filter=~Q(status=Status.CLOSED)),
            rating_sum=Avg(total),
            **against_target,
        )
        .order_by("portal__name")
    )
