import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satupintu.portal.events import services as events
from satupintu.portal.login import oidc, services
from satupintu.portal.login.forms import LocalSignInForm
from satupintu.portal.vendors.models import State
from satupintu.portal.vendors.services import account_for_claims, accounts_of


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("vendors:home")


def local(request):
    form = LocalSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.sign_in_locally(
            request, form.cleaned_data["user_id"], form.cleaned_data["password"]
        )
        if result.outcome is services.Outcome.SIGNED_IN:
            return redirect(_next(request))
        form.add_error(None, _message(result))
        status = 429 if result.outcome is services.Outcome.THROTTLED else 200
    return render(request, "login/local.html", {"form": form, "next": _next(request)}, status=status)


def _message(result: services.LocalSignIn) -> str:
    if result.outcome is services.Outcome.THROTTLED:
        return _("Too many failed sign-ins. Wait a few minutes, then try again.")
    if result.outcome is services.Outcome.USE_HUB:
        if result.account.state == State.ACTIVATED:
            return _(
                "Account %(user_id)s has been activated: it now signs in with “Masuk dengan INAPROC” "
                "as User ID Tunggal %(tunggal)s, here and at every aggregated portal."
            ) % {"user_id": result.account.user_id, "tunggal": result.tunggal}
        return _(
            "Account %(user_id)s is now linked to the User ID Tunggal %(tunggal)s: sign in with “Masuk "
            "dengan INAPROC” as %(tunggal)s, with its password."
        ) % {"user_id": result.account.user_id, "tunggal": result.tunggal}
    if settings.PORTAL_AGGREGATED:
        return _(
            "Wrong user ID or password. If your account has been activated, sign in with “Masuk dengan "
            "INAPROC” and your User ID Tunggal."
        )
    return _("Wrong user ID or password.")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("home")


@require_POST
def inaproc_start(request):
    if not settings.PORTAL_AGGREGATED:
        raise Http404
    try:
        return oidc.start(request, request.build_absolute_uri(reverse("login:callback")))
    except oidc.SignInFailed as failed:
        return _failed(request, failed)


def inaproc_callback(request):
    if not settings.PORTAL_AGGREGATED:
        raise Http404
    try:
        identity = oidc.finish(request)
    except oidc.SignInFailed as failed:
        return _failed(request, failed)
    if not accounts_of(identity.sub):
        # Perhaps an activation or a link the hub has told about while this portal was not listening:
        # catch up first, so that the vendor lands in its own local account rather than a new profile.
        with contextlib.suppress(events.HubUnreachable):
            events.pull()
    account = account_for_claims(identity.claims)
    login(request, account, backend=services.BACKEND)
    messages.success(request, _("Signed in through INAPROC as %(user)s.") % {"user": account.user_id_tunggal})
    return redirect("vendors:home")


_FAILURE_STATUS = {
    oidc.Failure.HUB_UNREACHABLE: 503,
    oidc.Failure.HUB_REFUSED: 403,
    oidc.Failure.EXPIRED: 400,
    oidc.Failure.INVALID_TOKEN: 502,
    oidc.Failure.NOT_CONFIGURED: 503,
}


def _failed(request, failed: oidc.SignInFailed):
    return render(
        request,
        "login/inaproc_failed.html",
        {"failure": failed.failure.value, "detail": failed.detail},
        status=_FAILURE_STATUS[failed.failure],
    )
