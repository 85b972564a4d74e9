"""The authorization endpoint, with the roaming rules checked before a code is given."""

from __future__ import annotations

from allauth.idp.oidc.views import AuthorizationView
from django.shortcuts import render
from django.utils.translation import gettext as _

from satupintu.hub.audit.services import record
from satupintu.hub.sso.services import RoamingDenied, roaming_decision


class RoamingAuthorizationView(AuthorizationView):
    # Only GET is checked: allauth answers a POST without its signed consent request by redirecting to
    # GET with the same parameters, and a signed one comes from a consent page that a checked GET
    # rendered (portals skip consent, so none is ever shown).
    def get(self, request, *args, **kwargs):
        return self._checked(request) or super().get(request, *args, **kwargs)

    def _checked(self, request):
        """A page that stops the sign-in, or None to let the OpenID Connect flow go on."""
        if not request.user.is_authenticated:
            return None  # the flow sends the vendor to sign in first, then back here
        params = request.GET
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return render(
                request,
                "sso/refused.html",
                {
                    "message": _(
                        "The portal must use PKCE with S256 to sign vendors in. Tell its administrator."
                    )
                },
                status=400,
            )
        decision = roaming_decision(request.user, params.get("client_id", ""))
        if decision.denied is None:
            return None
        record(
            "sso.roaming_refused",
            decision.portal,
            request.user,
            reason=decision.denied.value,
            blocking=str(decision.blocking or ""),
        )
        return render(
            request,
            "sso/refused.html",
            {"message": _message(decision), "decision": decision},
            status=403,
        )


def _message(decision) -> str:
    portal = decision.portal.name if decision.portal else ""
    if decision.denied is RoamingDenied.MEMBER_NOT_ACTIVATED:
        return _(
            "You cannot sign in at %(portal)s yet: your company's account %(user_id)s there is not activated. "
            "Sign in at %(portal)s with %(user_id)s and activate it (with the password of your User ID "
            "Tunggal); roaming to %(portal)s then opens."
        ) % {"portal": portal, "user_id": decision.blocking.user_id}
    if decision.denied is RoamingDenied.PORTAL_NOT_AGGREGATED:
        return _("%(portal)s is not aggregated: sign in there with its own account.") % {"portal": portal}
    if decision.denied is RoamingDenied.NOT_A_VENDOR:
        return _("Only activated vendor accounts sign in at the portals through INAPROC.")
    return _("This application is not a registered portal.")


authorization = RoamingAuthorizationView.as_view()
