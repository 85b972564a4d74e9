"""Signing and checking events in the Standard Webhooks format.

The hub signs each delivery; a portal checks it before applying anything. The signed content is
``{id}.{timestamp}.{body}``, HMAC-SHA256 keyed by the secret's bytes, sent as ``v1,<base64>`` in the
``webhook-signature`` header (several space-separated signatures are allowed, so that a secret can be
rotated). The timestamp bounds how long a captured request could be replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class WebhookVerificationError(ValueError):
    """The request is not a genuine, fresh event from the hub; the message says which check failed."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of one signed delivery."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(secret: str, request_headers: Mapping[str, str], body: bytes, now: float) -> str:
    """Check a delivery and return its message id; raise `WebhookVerificationError` if it is not genuine.

    ``request_headers`` must be looked up without regard to case (Django's ``request.headers`` is)."""
    message_id = request_headers.get("webhook-id", "")
    stamp = request_headers.get("webhook-timestamp", "")
    sent = request_headers.get("webhook-signature", "")
    if not (message_id and stamp and sent):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a number") from None
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise WebhookVerificationError("webhook-timestamp is too far from now")
    expected = signature(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in sent.split()):
        raise WebhookVerificationError("no signature matches")
    return message_id
