"""The activation pages. Each view reads the form, calls one service and shows its outcome."""

from __future__ import annotations

import time

from allauth.core import ratelimit
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satupintu.aggregation.engine import Finding
from satupintu.aggregation.records import user_id_key
from satupintu.hub.activation import services
from satupintu.hub.activation.forms import ActivationForm, NewUserIdForm, TunggalPasswordForm
from satupintu.hub.activation.services import ActivationRefused, Outcome, Refusal
from satupintu.hub.vendors.models import PortalAccount

# How long an account whose password was checked may take to finish activation (choose a new user ID,
# or give the User ID Tunggal's password) before it must start again.
PENDING_SECONDS = 15 * 60
_SESSION_KEY = "activation_pending"

_REFUSALS = {
    Refusal.WRONG_CREDENTIALS: lambda: _("The user ID or password is wrong for that portal."),
    Refusal.NOT_VERIFIED: lambda: _(
        "This account has not been verified by its LPSE yet. Bring your documents to the LPSE you chose "
        "(or use its online verification); you can activate once it approves the account."
    ),
    Refusal.PORTAL_NOT_AGGREGATED: lambda: _(
        "This portal is not aggregated: its accounts cannot be activated. Keep signing in at the portal."
    ),
}

# What each finding means for the vendor, and what the LPSE will do about it.
FINDING_TEXT = {
    Finding.NPWP_INVALID: lambda: _("The NPWP recorded for the account is not a valid NPWP."),
    Finding.REGION_INVALID: lambda: _(
        "The province or regency/city recorded for the account is empty or cannot be recognised."
    ),
    Finding.ADDRESS_MISSING: lambda: _("The address recorded for the account names no street or place."),
    Finding.ADDRESS_UNCERTAIN: lambda: _(
        "Accounts with the same NPWP have addresses that may or may not be the same place."
    ),
}


def _throttled(request, action: str, key: str) -> bool:
    return not ratelimit.consume(request, action=action, key=key)


def _too_many_attempts() -> str:
    return _("Too many attempts. Wait a few minutes, then try again.")


def _remember(request, account: PortalAccount) -> None:
    request.session[_SESSION_KEY] = {"account": account.pk, "at": time.time()}


def _pending(request) -> PortalAccount | None:
    pending = request.session.get(_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return PortalAccount.objects.select_related("portal", "identity").filter(pk=pending["account"]).first()


def _show(request, result: services.ActivationResult):
    """The page for an outcome."""
    account = result.account
    if result.outcome is Outcome.ACTIVATED:
        request.session.pop(_SESSION_KEY, None)
        account.refresh_from_db()
        login(request, account.identity, backend="allauth.account.auth_backends.AuthenticationBackend")
        return render(request, "activation/activated.html", {"result": result, "account": account})
    if result.outcome is Outcome.LINKED:
        request.session.pop(_SESSION_KEY, None)
        return render(request, "activation/linked.html", {"result": result, "account": account})
    if result.outcome is Outcome.NEEDS_NEW_USER_ID:
        _remember(request, account)
        return redirect("activation:new_user_id")
    if result.outcome is Outcome.MEMBER:
        _remember(request, account)
        return redirect("activation:member")
    if result.outcome is Outcome.REVIEW:
        request.session.pop(_SESSION_KEY, None)
        findings = [FINDING_TEXT[f]() for f in result.standing.findings if f in FINDING_TEXT]
        return render(
            request,
            "activation/review.html",
            {"account": account, "findings": findings, "details": result.standing.reasons},
        )
    request.session.pop(_SESSION_KEY, None)
    return render(request, "activation/already.html", {"account": account})


@require_http_methods(["GET", "POST"])
def start(request):
    initial = {"portal": request.GET.get("portal"), "user_id": request.GET.get("user_id", "")}
    form = ActivationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        portal, user_id = request.POST.get("portal", ""), request.POST.get("user_id", "")
        if _throttled(request, "activate", f"{portal}:{user_id_key(user_id)}"):
            form.is_valid()  # so that the other fields keep what was typed
            form.errors.clear()
            form.add_error(None, _too_many_attempts())
        elif form.is_valid():
            data = form.cleaned_data
            try:
                account = services.authenticate_account(
                    data["portal"].code, data["user_id"], data["password"]
                )
            except ActivationRefused as refused:
                form.add_error(None, _REFUSALS[refused.reason]())
            else:
                return _show(request, services.activate(account, data["password"]))
    return render(request, "activation/start.html", {"form": form})


@require_http_methods(["GET", "POST"])
def new_user_id(request):
    account = _pending(request)
    if account is None:
        return redirect("activation:start")
    form = NewUserIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _throttled(request, "activate", f"{account.portal.code}:{account.user_id_key}"):
            form.add_error(None, _too_many_attempts())
        elif not services.password_matches(account, data["password"]):
            form.add_error("password", _("The password is wrong."))
        else:
            try:
                services.change_user_id(account, data["new_user_id"], reason="activation_collision")
            except services.UserIdTaken:
                form.add_error("new_user_id", _("This user ID is already used at a portal. Choose another."))
            else:
                account.refresh_from_db()
                return _show(request, services.activate(account, data["password"]))
    return render(request, "activation/new_user_id.html", {"form": form, "account": account})


@require_http_methods(["GET", "POST"])
def member(request):
    account = _pending(request)
    if account is None:
        return redirect("activation:start")
    standing = services.current_standing(account)
    if services.outcome_of(standing) is not Outcome.MEMBER:
        return redirect("activation:start")
    form = TunggalPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tunggal = standing.tunggal
        if _throttled(request, "activate_member", f"{tunggal.portal.code}:{tunggal.user_id_key}"):
            form.add_error(None, _too_many_attempts())
        else:
            try:
                return _show(request, services.link_member(account, form.cleaned_data["password"]))
            except ActivationRefused:
                form.add_error("password", _("This is not the password of the User ID Tunggal."))
            except services.UserIdTaken:
                form.add_error(
                    None,
                    _(
                        "The user ID %(tunggal)s is already used by another account of the hub. It must "
                        "first be activated at %(portal)s, where a new user ID is chosen for it."
                    )
                    % {"tunggal": tunggal.user_id, "portal": tunggal.portal.name},
                )
    return render(
        request, "activation/member.html", {"form": form, "account": account, "tunggal": standing.tunggal}
    )
