import base64
import hashlib
import hmac

import pytest

from satupintu.core import webhooks

BODY = b'{"type": "vendor.updated", "data": {}}'
NOW = 1_790_000_000


def test_signature_is_the_hmac_of_id_timestamp_and_body():
    secret = webhooks.new_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"msg_1.{NOW}.".encode() + BODY, hashlib.sha256).digest()
    assert webhooks.signature(secret, "msg_1", NOW, BODY) == "v1," + base64.b64encode(expected).decode()


def test_a_genuine_delivery_verifies_and_gives_its_id():
    secret = webhooks.new_secret()
    sent = webhooks.headers(secret, "msg_1", NOW, BODY)
    assert webhooks.verify(secret, sent, BODY, now=NOW + 10) == "msg_1"


def test_a_rotated_secret_still_verifies_among_several_signatures():
    old, new = webhooks.new_secret(), webhooks.new_secret()
    sent = webhooks.headers(new, "msg_1", NOW, BODY)
    sent["webhook-signature"] = webhooks.signature(old, "msg_1", NOW, BODY) + " " + sent["webhook-signature"]
    assert webhooks.verify(new, sent, BODY, now=NOW) == "msg_1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda h, b: (h, b + b" "), "no signature matches"),
        (lambda h, b: ({**h, "webhook-id": "msg_2"}, b), "no signature matches"),
        (lambda h, b: ({**h, "webhook-timestamp": str(NOW - 301)}, b), "too far"),
        (lambda h, b: ({**h, "webhook-timestamp": "soon"}, b), "not a number"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b), "missing"),
    ],
)
def test_a_tampered_stale_or_incomplete_delivery_is_refused(change, message):
    secret = webhooks.new_secret()
    sent, body = change(webhooks.headers(secret, "msg_1", NOW, BODY), BODY)
    with pytest.raises(webhooks.WebhookVerificationError, match=message):
        webhooks.verify(secret, sent, body, now=NOW)


def test_another_portals_secret_does_not_verify():
    sent = webhooks.headers(webhooks.new_secret(), "msg_1", NOW, BODY)
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify(webhooks.new_secret(), sent, BODY, now=NOW)
