from __future__ import annotations

from typing import Any

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings
from django.contrib.auth import get_user_model

# How the vendor authenticated: a password is the only method so far.
ACR_SINGLE_FACTOR = "urn:satupintu:acr:single-factor"


class OIDCAdapter(DefaultOIDCAdapter):
    """The claims a portal receives about a roaming vendor, under a fixed issuer."""

    scope_display = {
        **DefaultOIDCAdapter.scope_display,
        "profile": "Identitas penyedia: nama, NPWP, alamat, pusat/cabang, portal asal",
    }

    def get_issuer(self) -> str:
        return settings.SATUPINTU_ISSUER

    def get_user_sub(self, client, user) -> str:
        return str(user.sub)  # opaque and stable: the user ID may change, the subject does not

    def get_user_by_sub(self, client, sub: str):
        return get_user_model().objects.filter(sub=sub, is_active=True).first()

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "sub": self.get_user_sub(client, user),
            "acr": ACR_SINGLE_FACTOR,
            "amr": ["pwd"],
        }
        if "email" in scopes and user.email:
            verified = user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists()
            claims.update(email=user.email, email_verified=verified)
        if "profile" in scopes:
            claims["preferred_username"] = user.username
            vendor = getattr(user, "vendor", None)
            if vendor is not None:
                claims.update(
                    name=vendor.name,
                    npwp=vendor.npwp_canonical,  # 16 digits; the portal formats it
                    vendor={
                        "name": vendor.name,
                        "address": vendor.address,
                        "province": vendor.province,
                        "regency": vendor.regency,
                        "postal_code": vendor.postal_code,
                        "phone": vendor.phone,
                        "status": vendor.status,
                    },
                    home_portal={"code": vendor.home_portal.code, "name": vendor.home_portal.name},
                )
            elif user.get_full_name():
                claims["name"] = user.get_full_name()
        return claims
