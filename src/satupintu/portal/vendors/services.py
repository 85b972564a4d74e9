"""The portal's vendor accounts: loaded from the portal's SPSE export, told apart from the hub's
identities by the ``sub`` the hub gives, and kept up to date from the hub's claims and events."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from satupintu.aggregation.io import AccountRecord, Rejection, open_export, read_accounts, user_id_key
from satupintu.hub.accounts.hashers import from_export
from satupintu.portal.vendors.models import Account, State

log = logging.getLogger(__name__)
# Which local account a roaming vendor becomes when several carry its ``sub``: its own activated account
# first, then an account linked to it, then a profile made at an earlier roaming sign-in.
_PREFERENCE = {State.ACTIVATED: 0, State.LINKED: 1, State.ROAMING: 2}


@dataclass
class ImportSummary:
    created: int = 0
    kept: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def import_accounts(path: Path) -> ImportSummary:
    """Load vendor accounts from this portal's SPSE export. An account already here is kept as it is:
    from the import on, the portal's own database is where its accounts change. The exported password
    hash is kept, so the vendor's password works here at once (re-hashed at its first sign-in)."""
    summary = ImportSummary()
    with open_export(path) as stream, transaction.atomic():
        for item in read_accounts(stream, portal_code=settings.PORTAL_CODE):
            if isinstance(item, Rejection):
                summary.rejections.append(item)
                continue
            assert isinstance(item, AccountRecord)
            if Account.objects.filter(user_id_key=user_id_key(item.user_id)).exists():
                summary.kept += 1
                continue
            account = Account(
                user_id=item.user_id,
                user_id_key=user_id_key(item.user_id),
                name=item.name,
                npwp=item.npwp,
                address=item.address,
                province=item.province,
                regency=item.regency,
                postal_code=item.postal_code,
                phone=item.phone,
                email=item.email,
                status=item.status,
            )
            encoded = from_export(item.password_hash)
            if encoded:
                account.password = encoded
            else:
                account.set_unusable_password()
            account.save()
            summary.created += 1
    return summary


class NotStaff(Exception):
    """The administrator's user ID belongs to a vendor's account here (from the export, say)."""


def ensure_staff(user_id: str, password: str) -> str:
    """The LPSE administrator's account: created at the first start (with a random password when none is
    given), its password set again whenever one is given. Returns the password set, "" when none was.
    A vendor's account of that user ID is refused: it must neither become staff nor lose its password."""
    account = find_local(user_id)
    if account is not None and not account.is_staff:
        raise NotStaff(
            f"the account {account.user_id} here is a vendor's, not the LPSE administrator's: it is left "
            f"as it is. Rename or remove that vendor account (a row of the export), or start with a new "
            f"database."
        )
    if account is None:
        account = Account(user_id=user_id, user_id_key=user_id_key(user_id), is_staff=True, name=user_id)
        password = password or secrets.token_urlsafe(12)
    elif not password:
        return ""
    account.set_password(password)
    account.save()
    return password


def find_local(user_id: str) -> Account | None:
    return Account.objects.filter(user_id_key=user_id_key(user_id)).first()


def accounts_of(sub: str) -> list[Account]:
    """The local accounts that belong to the hub's identity ``sub``, the preferred one first."""
    if not sub:
        return []
    accounts = Account.objects.filter(sub=sub, is_active=True).exclude(state=State.LOCAL)
    return sorted(accounts, key=lambda a: (_PREFERENCE.get(a.state, 9), a.pk))


def account_for_claims(claims: Mapping[str, Any]) -> Account:
    """The local account a vendor signed in by the hub is, from the ID token's claims (keyed on ``sub``,
    never on the user ID alone):

    1. the account the hub's events tied to that ``sub`` (activated here, or linked to it);
    2. this portal's own account of the User ID Tunggal, when its activation event has not arrived yet;
    3. otherwise a new roaming profile made from the claims.
    """
    sub = str(claims["sub"])
    tunggal = str(claims.get("preferred_username") or "")
    with transaction.atomic():
        found = accounts_of(sub)
        if found:
            account = found[0]
        else:
            account = _own_account_of(claims, tunggal)
            if account is not None:
                account.state, account.sub = State.ACTIVATED, sub
            else:
                account = Account(user_id=tunggal or sub, user_id_key=None, state=State.ROAMING, sub=sub)
                account.set_unusable_password()
        account.user_id_tunggal = tunggal
        _copy_identity(account, claims)
        account.save()
    return account


def _own_account_of(claims: Mapping[str, Any], tunggal: str) -> Account | None:
    home = claims.get("home_portal") or {}
    if not tunggal or home.get("code") != settings.PORTAL_CODE:
        return None
    return Account.objects.filter(
        user_id_key=user_id_key(tunggal), state=State.LOCAL, is_staff=False, is_active=True
    ).first()


def _copy_identity(account: Account, claims: Mapping[str, Any]) -> None:
    """The hub's identity data over the local copy: once activated, the hub is where it is edited."""
    vendor = claims.get("vendor") or {}
    values = {
        "name": claims.get("name") or vendor.get("name"),
        "npwp": claims.get("npwp"),
        "email": claims.get("email"),
        "address": vendor.get("address"),
        "province": vendor.get("province"),
        "regency": vendor.get("regency"),
        "postal_code": vendor.get("postal_code"),
        "phone": vendor.get("phone"),
        "status": vendor.get("status"),
    }
    for name, value in values.items():
        if value is not None:
            setattr(account, name, str(value)[: Account._meta.get_field(name).max_length])
    if account.state == State.ROAMING and claims.get("preferred_username"):
        account.user_id = str(claims["preferred_username"])


# What the hub's events change (see satupintu.portal.events.services, which makes them idempotent).


def mark_through_hub(user_id: str, state: State, sub: str, tunggal: str) -> Account | None:
    """This portal's account ``user_id`` has been activated or linked at the hub: from now on it signs
    in through the hub, as ``sub``."""
    account = find_local(user_id)
    if account is None or account.is_staff:
        log.warning("event for unknown account %r ignored", user_id)
        return None
    account.state, account.sub, account.user_id_tunggal = state, sub, tunggal
    account.save(update_fields=["state", "sub", "user_id_tunggal", "updated_at"])
    return account


def rename(user_id: str, new_user_id: str, sub: str | None) -> Account | None:
    """The hub changed this portal's account's user ID (a collision at activation, or the vendor's wish)."""
    account = find_local(user_id)
    if account is None or account.is_staff:
        log.warning("user ID change of unknown account %r ignored", user_id)
        return None
    taken = find_local(new_user_id)
    if taken is not None and taken.pk != account.pk:
        # The hub keeps user IDs unique across portals; a clash here means local data the hub never saw.
        log.error("user ID change %r -> %r refused: the new user ID is taken here", user_id, new_user_id)
        return None
    account.user_id, account.user_id_key = new_user_id, user_id_key(new_user_id)
    if sub:
        account.sub = sub
    if account.state == State.ACTIVATED:
        account.user_id_tunggal = new_user_id
    account.save()
    return account


def update_identity(claims: Mapping[str, Any]) -> int:
    """A vendor's identity changed at the hub: update every local account of its ``sub``."""
    accounts = accounts_of(str(claims.get("sub") or ""))
    for account in accounts:
        if claims.get("preferred_username"):
            account.user_id_tunggal = str(claims["preferred_username"])
        _copy_identity(account, claims)
        account.save()
    return len(accounts)
