"""The hub's email outbox: queue an email in the transaction of what it tells, send it once that commits.

`queue` saves the email and tries it right after the commit, so that the vendor usually has it at once;
when the SMTP server is down, the row waits and the worker (``satupintu mail deliver``) retries it with
`send_due`, every hour at the longest, until the server takes it. An email is never given up: the row
only ever goes from unsent to sent.

Each email is taken before it is sent, so that two senders (two workers, or a worker and the try after
a commit) never send it twice: on PostgreSQL its row stays locked (``SKIP LOCKED``) until the outcome is
committed. SQLite has no row locks, and its transactions take the whole file's write lock, which held
across an SMTP exchange would stall every other write; there a sender takes the row instead with one
short UPDATE that moves its next attempt a lease ahead, which only one sender can win.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from satupintu.hub.mail.models import OutgoingEmail

# smtplib.SMTPException is an OSError already; both are named to say what is expected: the server
# refusing, and the network failing.
SMTP_ERRORS = (OSError, smtplib.SMTPException)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
# How long an email taken on SQLite is left to its sender before another may take it (a sender that
# died with it). One SMTP exchange is bounded by EMAIL_TIMEOUT, far below this.
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class SendResult:
    sent: int = 0
    failed: int = 0
    # The last failure in a few words, for the worker's output ("" when none failed).
    error: str = ""


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1 for the first): 30 s, doubling, at
    most one hour."""
    # The exponent stops growing once the cap is reached, so that weeks of failures cannot overflow.
    return min(FIRST_RETRY * 2 ** min(max(attempts, 1) - 1, 16), LONGEST_RETRY)


def mailable(address: str) -> bool:
    """Whether mail can go to ``address``. An address of record imported from a portal may be anything
    typed there (two addresses in one field, a dash): such an account can be told nothing by email."""
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def queue(to: str, subject: str, body: str, purpose: str) -> OutgoingEmail:
    """Save an email in the caller's transaction and try to send it as soon as that commits (not at
    all if it rolls back). The try never raises: a failure is recorded on the row for the worker.

    What no SMTP server could take is refused here, to the caller that wrote it, instead of failing at
    every retry forever: an invalid address (ValidationError), a subject of several lines
    (BadHeaderError, as Django's own check would raise later)."""
    validate_email(to)
    if "\n" in subject or "\r" in subject:
        raise BadHeaderError(f"the subject of an email is one line: {subject!r}")
    email = OutgoingEmail.objects.create(to=to, subject=subject, body=body, purpose=purpose)
    # robust: whatever goes wrong after the commit (the database too) is logged, and the caller's
    # page is still shown; the row is there for the worker.
    transaction.on_commit(lambda: send_one_now(email.pk), robust=True)
    return email


def send_due(limit: int = 100, now: datetime | None = None) -> SendResult:
    """Send the unsent emails whose next attempt is due at ``now`` (default: the clock), oldest first,
    at most ``limit`` of them, over one SMTP connection."""
    now = now or timezone.now()
    pks = list(_due(now).order_by("id").values_list("id", flat=True)[:limit])
    return _send(pks, now)


def send_one_now(pk: int) -> SendResult:
    """Send one email if it is still unsent and due (what `queue` runs after the commit)."""
    return _send([pk], timezone.now())


def _due(now: datetime):
    return OutgoingEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)


def _send(pks: list[int], now: datetime) -> SendResult:
    if not pks:
        return SendResult()
    smtp = get_connection()
    try:
        smtp.open()
    except SMTP_ERRORS as exc:
        return _server_down(pks, exc, now)
    sent = failed = 0
    error = ""
    try:
        for pk in pks:
            with _taken(pk, now) as email:
                if email is None:
                    continue  # sent or being sent by another sender
                message = EmailMessage(
                    email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to], connection=smtp
                )
                try:
                    message.send()
                except SMTP_ERRORS as exc:
                    _record_failure(email, exc, now)
                    failed, error = failed + 1, _describe(exc)
                    if _connection_lost(exc):
                        break  # the rest stay due for the next pass
                else:
                    _record_sent(email)
                    sent += 1
    finally:
        # The emails are sent or recorded by now: a server that hangs up badly changes nothing.
        with contextlib.suppress(*SMTP_ERRORS):
            smtp.close()
    return SendResult(sent, failed, error)


def _server_down(pks: list[int], exc: OSError, now: datetime) -> SendResult:
    """One failed attempt for each email, rather than one more try per email against a dead server."""
    failed = 0
    for pk in pks:
        with _taken(pk, now) as email:
            if email is not None:
                _record_failure(email, exc, now)
                failed += 1
    return SendResult(failed=failed, error=_describe(exc) if failed else "")


@contextlib.contextmanager
def _taken(pk: int, now: datetime) -> Iterator[OutgoingEmail | None]:
    """The email, due and taken by this sender until the block ends; None when it is sent already,
    not due, or taken by another sender."""
    due = _due(now).filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            yield due.select_for_update(skip_locked=True).first()
        return
    email = due.first()
    if email is not None:
        # From the clock, not from the pass's ``now``: a long pass must not hand out leases already over.
        lease = max(now, timezone.now()) + LEASE
        # Only the sender whose read is still current moves the row; any other finds it changed.
        won = OutgoingEmail.objects.filter(
            pk=pk, sent_at__isnull=True, next_attempt_at=email.next_attempt_at
        ).update(next_attempt_at=lease)
        email.next_attempt_at = lease
        email = email if won else None
    yield email


def _record_sent(email: OutgoingEmail) -> None:
    email.attempts += 1
    email.sent_at = timezone.now()
    email.save(update_fields=["attempts", "sent_at"])


def _record_failure(email: OutgoingEmail, exc: OSError, now: datetime) -> None:
    email.attempts += 1
    email.last_error = _describe(exc)
    email.next_attempt_at = now + backoff(email.attempts)
    email.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def _describe(exc: OSError) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _connection_lost(exc: OSError) -> bool:
    """Whether the connection is gone (the server hung up, the network failed), rather than the server
    refusing this one email (an address, a size)."""
    return isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(exc, smtplib.SMTPException)
