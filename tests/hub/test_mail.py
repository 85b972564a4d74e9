"""The hub's email outbox, against a real SMTP server on loopback (aiosmtpd): queued in a transaction,
sent after it commits, kept and retried while the server is down, never sent twice."""

import threading
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.db import connections, transaction
from django.utils import timezone
from typer.testing import CliRunner

from satupintu.cli import app
from satupintu.hub.mail.models import OutgoingEmail
from satupintu.hub.mail.services import SendResult, backoff, queue, send_due

pytestmark = pytest.mark.django_db
runner = CliRunner()

BODY = "Selamat datang di SatuPintu.\nBuka tautan ini untuk mengonfirmasi: https://hub.example/k/abc/\n"


def header(message, name: str) -> str:
    return str(make_header(decode_header(message[name])))


def body_of(message) -> str:
    # As it travelled: SMTP ends lines with CRLF.
    return message.get_payload(decode=True).decode(message.get_content_charset()).replace("\r\n", "\n")


def confirm(to: str = "sinar@abadi.id", subject: str = "Konfirmasi pendaftaran – SatuPintu") -> OutgoingEmail:
    return queue(to, subject, BODY, "registration.confirm")


def test_a_queued_email_is_sent_once_after_the_commit(smtp, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = confirm()
        assert not smtp.messages  # not before the commit
    assert len(callbacks) == 1
    [message] = smtp.messages
    assert message["To"] == "sinar@abadi.id" and message["From"] == settings.DEFAULT_FROM_EMAIL
    assert header(message, "Subject") == "Konfirmasi pendaftaran – SatuPintu"
    assert body_of(message) == BODY
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 1 and queued.last_error == ""
    assert send_due(now=timezone.now() + timedelta(days=1)) == SendResult()
    assert len(smtp.messages) == 1


def test_an_email_of_a_rolled_back_transaction_is_never_sent(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        confirm()
        raise RuntimeError("the registration failed")
    assert not OutgoingEmail.objects.exists() and not smtp.messages


@pytest.mark.parametrize(
    ("to", "subject", "error"),
    [("sinar-at-abadi", "Hi", ValidationError), ("a@b.id", "Hi\nBcc: x@y.id", BadHeaderError)],
)
def test_what_no_server_could_send_is_refused_to_the_caller(to, subject, error):
    with pytest.raises(error):
        confirm(to, subject)
    assert not OutgoingEmail.objects.exists()


def test_an_email_waits_while_the_server_is_down_and_goes_once_it_is_back(
    smtp_down, start_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = confirm()  # does not raise: the caller's page is still shown
    queued.refresh_from_db()
    assert queued.sent_at is None and queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error and "Connection refused" in queued.last_error
    assert timezone.now() < queued.next_attempt_at <= timezone.now() + timedelta(seconds=30)

    inbox = start_smtp()  # the server is back, on the same port
    assert send_due() == SendResult()  # not due yet: it waits its 30 s
    assert send_due(now=queued.next_attempt_at + timedelta(seconds=1)) == SendResult(sent=1)
    [message] = inbox.messages
    assert message["To"] == "sinar@abadi.id" and body_of(message) == BODY
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 2  # the admin shows it took two
    assert send_due(now=timezone.now() + timedelta(days=1)) == SendResult()
    assert len(inbox.messages) == 1


def test_a_pass_against_a_dead_server_records_one_failure_per_email(smtp_down):
    # Queued in the test's transaction, which never commits: only the worker sends them.
    emails = [confirm(f"vendor{i}@abadi.id") for i in range(3)]
    now = timezone.now()
    result = send_due(now=now)
    assert (result.sent, result.failed) == (0, 3) and "Connection refused" in result.error
    result = send_due(now=now + timedelta(seconds=31))
    assert (result.sent, result.failed) == (0, 3)
    for email in emails:
        email.refresh_from_db()
        assert email.attempts == 2 and email.sent_at is None
        assert email.next_attempt_at == now + timedelta(seconds=31) + timedelta(seconds=60)


def test_send_due_sends_the_oldest_first_up_to_the_limit(smtp):
    for i in range(3):
        confirm(f"vendor{i}@abadi.id")
    assert send_due(limit=2) == SendResult(sent=2)
    assert [m["To"] for m in smtp.messages] == ["vendor0@abadi.id", "vendor1@abadi.id"]
    assert send_due() == SendResult(sent=1)
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 0


def test_the_retry_delay_doubles_from_30_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert backoff(10_000) == timedelta(hours=1)  # retried hourly, forever


def test_mail_deliver_does_one_pass_and_says_what_it_did(smtp_down, start_smtp):
    confirm("satu@abadi.id")
    confirm("dua@abadi.id")
    down = runner.invoke(app, ["mail", "deliver"])
    assert down.exit_code == 0, down.output
    assert "0 sent, 2 failed (last error: ConnectionRefusedError" in down.output
    inbox = start_smtp()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # their retry is due
    up = runner.invoke(app, ["mail", "deliver"])
    assert up.exit_code == 0, up.output
    assert "2 sent, 0 failed" in up.output
    assert sorted(m["To"] for m in inbox.messages) == ["dua@abadi.id", "satu@abadi.id"]
    idle = runner.invoke(app, ["mail", "deliver"])
    assert "0 sent, 0 failed" in idle.output


def test_the_admin_shows_the_emails_read_only(admin_client, smtp_down):
    waiting = confirm("satu@abadi.id")
    send_due()  # fails: the server is down
    OutgoingEmail.objects.create(
        to="dua@abadi.id", subject="Done", body="-", purpose="x", sent_at=timezone.now()
    )
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = admin_client.get("/admin/mail/outgoingemail/", {"status": "unsent"}).content.decode()
    assert "satu@abadi.id" in page and "dua@abadi.id" not in page
    assert "registration.confirm" in page and "ConnectionRefusedError" in page
    detail = admin_client.get(f"/admin/mail/outgoingemail/{waiting.pk}/change/")
    assert detail.status_code == 200 and "Buka tautan ini untuk mengonfirmasi" in detail.content.decode()
    assert admin_client.get("/admin/mail/outgoingemail/add/").status_code == 403
    assert admin_client.post(f"/admin/mail/outgoingemail/{waiting.pk}/delete/").status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_email_once(smtp):
    for i in range(30):
        confirm(f"vendor{i}@abadi.id")  # autocommit: each is also tried at once, and sent
    # As if the server had been down until now.
    OutgoingEmail.objects.update(sent_at=None, attempts=0, next_attempt_at=timezone.now())
    smtp.messages.clear()
    results: list[SendResult] = []
    start = threading.Barrier(3)

    def worker():
        try:
            start.wait()
            results.append(send_due(limit=1000))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.sent for r in results) == 30 and not any(r.failed for r in results)
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"vendor{i}@abadi.id" for i in range(30))
