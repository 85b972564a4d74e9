"""What the portals are told about a vendor's identity: the same shapes in the ID token, userinfo and the
``vendor.updated`` event, so that a portal maps them with one piece of code."""

from __future__ import annotations

from typing import Any


def email_claims(user) -> dict[str, Any]:
    if not user.email:
        return {}
    verified = user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists()
    return {"email": user.email, "email_verified": verified}


def profile_claims(user) -> dict[str, Any]:
    claims: dict[str, Any] = {"preferred_username": user.username}
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
