from __future__ import annotations

from typing import Any

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from oauthlib.oauth2.rfc6749.errors import InvalidTokenError, UnauthorizedClientError

from satupintu.hub.sso.services import client_decision
from satupintu.hub.vendors.claims import email_claims, profile_claims

# How the vendor authenticated: a password is the only method so far.
ACR_SINGLE_FACTOR = "urn:satupintu:acr:single-factor"


class OIDCAdapter(DefaultOIDCAdapter):
    """The claims a portal receives about a roaming vendor, under a fixed issuer."""

    scope_display = {
        **DefaultOIDCAdapter.scope_display,
        "profile": _("Vendor identity: name, NPWP, address, head office or branch, home portal"),
    }

    def get_issuer(self) -> str:
        return settings.SATUPINTU_ISSUER

    def get_user_sub(self, client, user) -> str:
        return str(user.sub)  # opaque and stable: the user ID may change, the subject does not

    def get_user_by_sub(self, client, sub: str):
        # The vendor profile and its home portal come with the user: the claims read them next.
        users = get_user_model().objects.select_related("vendor__home_portal")
        return users.filter(sub=sub, is_active=True).first()

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs) -> dict[str, Any]:
        # Every ID token issued and every userinfo answer asks for claims (userinfo is all that an
        # access token opens here): the one place to refuse a portal that has left aggregation since
        # the vendor was signed in there. Nothing is saved before this runs at the token endpoint.
        if client_decision(client.id).denied is not None:
            if purpose == "userinfo":
                raise InvalidTokenError(description="The portal is not aggregated.")
            raise UnauthorizedClientError(description="The portal is not aggregated.")
        claims: dict[str, Any] = {
            "sub": self.get_user_sub(client, user),
            "acr": ACR_SINGLE_FACTOR,
            "amr": ["pwd"],
        }
        if "email" in scopes:
            claims.update(email_claims(user))
        if "profile" in scopes:
            claims.update(profile_claims(user))
        return claims
