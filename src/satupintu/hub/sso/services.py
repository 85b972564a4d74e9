"""Roaming: portals as OpenID Connect clients, and the rules checked when a portal asks to sign a vendor in."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass

from allauth.idp.oidc.models import Client
from django.contrib.auth.hashers import make_password
from django.db import transaction

from satupintu.hub.activation.services import current_standing
from satupintu.hub.activation.standing import near
from satupintu.hub.audit.services import record
from satupintu.hub.portals.models import Portal
from satupintu.hub.sso.addresses import require_http_url
from satupintu.hub.sso.hashers import ClientSecretHasher
from satupintu.hub.sso.models import PortalClient
from satupintu.hub.vendors.models import PortalAccount, State

SCOPES = ("openid", "profile", "email")


def create_client(portal_code: str, redirect_uri: str, *, actor=None) -> tuple[str, str]:
    """Register a portal as a confidential client; returns (client_id, client_secret). The secret is
    shown this once: only its hash is kept."""
    portal = Portal.objects.get(code=portal_code)
    require_http_url(redirect_uri, "redirect_uri", "https://lpse.example.go.id/oidc/callback")
    # URL-safe, so that it passes through HTTP Basic and form encoding unchanged.
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = Client(name=f"{portal.name} ({portal.code})", skip_consent=True)
        client.secret = make_password(secret, hasher=ClientSecretHasher.algorithm)
        client.set_redirect_uris([redirect_uri])
        client.set_scopes(list(SCOPES))
        client.set_default_scopes(list(SCOPES))
        # No refresh tokens: allauth's never expire, and the roaming rules are checked when a vendor is
        # signed in, so a portal that left aggregation could go on refreshing. A portal signs the vendor in
        # again instead (the hub's session makes that one redirect).
        client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE])
        client.set_response_types(["code"])
        client.full_clean()
        client.save()
        PortalClient.objects.create(portal=portal, client=client)
        record("sso.client_created", client, actor, portal=portal.code, redirect_uri=redirect_uri)
    return client.id, secret


class RoamingDenied(enum.StrEnum):
    NOT_A_PORTAL = "not_a_portal"
    PORTAL_NOT_AGGREGATED = "portal_not_aggregated"
    NOT_A_VENDOR = "not_a_vendor"
    MEMBER_NOT_ACTIVATED = "member_not_activated"


@dataclass(frozen=True)
class RoamingDecision:
    portal: Portal | None
    denied: RoamingDenied | None = None
    # For MEMBER_NOT_ACTIVATED: the group's account at this portal that must activate there first.
    blocking: PortalAccount | None = None


def tunggal_account(user) -> PortalAccount | None:
    """The activated portal account behind a User ID Tunggal; None for anyone else (staff, members)."""
    return (
        PortalAccount.objects.select_related("portal", "identity")
        .filter(identity=user, state=State.ACTIVATED)
        .first()
    )


def client_decision(client_id: str) -> RoamingDecision:
    """Whether the client ``client_id`` is a portal that vendors may roam to now, whoever the vendor.
    Checked again when a token is issued or read (`sso.adapter`), since a portal may leave aggregation."""
    link = PortalClient.objects.select_related("portal").filter(client_id=client_id).first()
    if link is None:
        return RoamingDecision(None, RoamingDenied.NOT_A_PORTAL)
    if not link.portal.aggregation_active:
        return RoamingDecision(link.portal, RoamingDenied.PORTAL_NOT_AGGREGATED)
    return RoamingDecision(link.portal)


def roaming_decision(user, client_id: str) -> RoamingDecision:
    """Whether ``user`` may sign in at the portal of ``client_id`` (seed 000 §2h-i)."""
    decision = client_decision(client_id)
    if decision.denied is not None:
        return decision
    portal = decision.portal
    # Only what the rules read: the engine, when it runs, reads the neighbourhood's accounts in full.
    own = (
        PortalAccount.objects.filter(identity=user, state=State.ACTIVATED)
        .only("pk", "user_id_key", "npwp_canonical")
        .first()
    )
    if own is None:
        return RoamingDecision(portal, RoamingDenied.NOT_A_VENDOR)
    if not _could_block(own, portal):
        return RoamingDecision(portal)
    standing = current_standing(own)
    for account in standing.group:
        if account.portal_id == portal.pk and account.state == State.LOCAL and account.pk != own.pk:
            return RoamingDecision(portal, RoamingDenied.MEMBER_NOT_ACTIVATED, account)
    return RoamingDecision(portal)


def _could_block(own: PortalAccount, portal: Portal) -> bool:
    """Whether ``portal`` holds an unactivated account that the engine could put in ``own``'s group.

    The group is drawn from ``own``'s neighbourhood (`activation.standing.neighbourhood`): the same NPWP,
    the same user ID, or a review decision. When none of those accounts is an unactivated one at this
    portal, nothing there can block roaming, and the engine need not run; it runs, on the data as it is
    now, only for the vendors who have such an account.
    """
    local = PortalAccount.objects.filter(near(own), portal=portal, state=State.LOCAL).exclude(pk=own.pk)
    return local.exists()
