"""Local sign-in with user ID and password, as SPSE does it, with the rate limits of every credential
check and one answer for an unknown user ID and a wrong password."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from allauth.core import ratelimit
from django.contrib.auth import login

from satupintu.aggregation.io import user_id_key
from satupintu.portal.login import passwords
from satupintu.portal.vendors.models import Account, State
from satupintu.portal.vendors.services import find_local

BACKEND = "satupintu.portal.vendors.backends.AccountBackend"
RATE_LIMIT = "portal_login_failed"


class Outcome(enum.StrEnum):
    SIGNED_IN = "signed_in"
    WRONG_CREDENTIALS = "wrong_credentials"
    THROTTLED = "throttled"
    # The password is right, but the hub now holds this account: sign in with "Masuk dengan INAPROC".
    USE_HUB = "use_hub"


@dataclass(frozen=True)
class LocalSignIn:
    outcome: Outcome
    account: Account | None = None

    @property
    def tunggal(self) -> str:
        return self.account.user_id_tunggal if self.account else ""


def sign_in_locally(request, user_id: str, password: str) -> LocalSignIn:
    key = user_id_key(user_id)
    if not ratelimit.consume(request, action=RATE_LIMIT, key=key, dry_run=True):
        return LocalSignIn(Outcome.THROTTLED)
    account = find_local(user_id)
    signs_in = account is not None and account.is_active

    def upgrade(raw: str) -> None:
        # An imported SPSE hash becomes argon2id at the first successful sign-in (the first hasher).
        account.set_password(raw)
        account.save(update_fields=["password"])

    if not passwords.matches(password, account.password if signs_in else None, upgrade):
        ratelimit.consume(request, action=RATE_LIMIT, key=key)
        return LocalSignIn(Outcome.WRONG_CREDENTIALS)
    assert account is not None
    if account.state in (State.ACTIVATED, State.LINKED):
        return LocalSignIn(Outcome.USE_HUB, account)
    login(request, account, backend=BACKEND)
    return LocalSignIn(Outcome.SIGNED_IN, account)
