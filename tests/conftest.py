import email

import pytest
from aiosmtpd.controller import Controller

from network import free_port


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text to a file (the text is used as is: BOM, CRLF and all)."""

    def write(text: str, name: str = "export.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


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
