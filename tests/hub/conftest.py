import email

import pytest
from aiosmtpd.controller import Controller

from export_rows import write_export
from network import free_port
from satupintu.hub.vendors.models import PortalAccount
from satupintu.hub.vendors.services import import_accounts


@pytest.fixture
def portal_accounts(tmp_path):
    """Import rows (dicts of export columns) through the real import, one file per portal; each row's
    password is `password_of(row)` unless it gives a ``password_hash``."""

    def load(*rows: dict) -> dict[str, PortalAccount]:
        by_portal: dict[str, list[dict]] = {}
        for row in rows:
            by_portal.setdefault(row["portal"], []).append(row)
        for portal, portal_rows in by_portal.items():
            summary = import_accounts(portal, write_export(portal_rows, tmp_path / f"{portal}.csv"))
            assert not summary.rejections, summary.rejections
        return {a.user_id: a for a in PortalAccount.objects.select_related("portal")}

    return load


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_down(settings) -> None:
    """Django's SMTP backend pointed at a free port of 127.0.0.1 where nothing listens: a mail server
    that is down (`start_smtp` starts one there)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()


@pytest.fixture
def start_smtp(settings):
    """Start a real SMTP server at EMAIL_HOST:EMAIL_PORT and return its Inbox; stopped after the test."""
    controllers: list[Controller] = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname=settings.EMAIL_HOST, port=settings.EMAIL_PORT)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(smtp_down, start_smtp) -> Inbox:
    """A real SMTP server on 127.0.0.1 that the hub sends to through Django's SMTP backend."""
    return start_smtp()
