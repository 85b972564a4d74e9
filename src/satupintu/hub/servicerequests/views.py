"""The service request pages: the index, the user ID look-up, the vendor's NPWP and email change
requests, the password reset by documents, and the officer's decision. Each view reads its form and
calls one service."""

from __future__ import annotations

import functools

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from satupintu.core import npwp as npwp_rules
from satupintu.hub.answer_time import no_sooner_than
from satupintu.hub.selfservice.services import vendor_of
from satupintu.hub.servicerequests import documents, lookup, services
from satupintu.hub.servicerequests.documents import Kind
from satupintu.hub.servicerequests.forms import (
    DecisionForm,
    EmailChangeForm,
    NpwpChangeForm,
    PasswordResetForm,
    UserIdLookupForm,
)
from satupintu.hub.servicerequests.models import ServiceRequest

# The ticket of the request just submitted, for the page that follows it.
_SUBMITTED = "servicerequest_submitted"
# allauth's rate limits (settings.ACCOUNT_RATE_LIMITS) of the look-up: per IP address and per NPWP, and
# per email address typed (each look-up mails an address, the typed one when nothing matches).
_LOOKUP_RATE_ACTION = "user_id_lookup"
_LOOKUP_EMAIL_RATE_ACTION = "user_id_lookup_email"


@require_GET
def index(request):
    vendor = vendor_of(request.user)
    requests = (
        ServiceRequest.objects.filter(vendor=request.user, ticket__requester=request.user)
        .select_related("ticket")
        .order_by("-submitted_at")[:20]
        if vendor is not None
        else []
    )
    return render(
        request,
        "servicerequests/index.html",
        {
            "vendor": vendor,
            "requests": requests,
            "checklists": [(kind.label, documents.checklist(kind)) for kind in Kind],
        },
    )


# User ID look-up ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@no_sooner_than()  # a matching and an unmatched look-up answer in the same time
def user_id(request):
    form = UserIdLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email = data["email"].strip()
        if not (
            ratelimit.consume(request, action=_LOOKUP_RATE_ACTION, key=data["npwp"])
            and ratelimit.consume(request, action=_LOOKUP_EMAIL_RATE_ACTION, key=email.casefold())
        ):
            form.add_error(None, _("Too many look-ups. Wait an hour, then try again."))
        else:
            lookup.look_up(
                lookup.LookUp(data["company_name"], data["address"], data["npwp"], email),
                actor=request.user,
                ip=request.META.get("REMOTE_ADDR", ""),
            )
            return redirect("servicerequests:user_id_sent")
    return render(request, "servicerequests/user_id.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def user_id_sent(request):
    return render(request, "servicerequests/user_id_sent.html")


# The vendor's changes ------------------------------------------------------------------------------------


def vendor_required(view):
    """Signed in (else to the sign-in page, and back), and a vendor (else a page that says so)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        vendor = vendor_of(request.user)
        if vendor is None:
            return render(request, "servicerequests/not_vendor.html", status=403)
        return view(request, *args, vendor=vendor, **kwargs)

    return wrapper


def _submitted(request, service_request: ServiceRequest):
    request.session[_SUBMITTED] = service_request.ticket_id
    return redirect("servicerequests:submitted")


def _change(request, vendor, kind: Kind, form, template: str, **extra):
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service_request = services.open_change(
                request.user,
                kind,
                data["files"],
                new_npwp=data.get("new_npwp", ""),
                new_email=data.get("new_email", ""),
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            return _submitted(request, service_request)
    return render(
        request,
        template,
        {"form": form, "vendor": vendor, "checklist": documents.checklist(kind), **extra},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@vendor_required
def npwp_change(request, vendor):
    form = NpwpChangeForm(request.POST or None, request.FILES or None, current=vendor.npwp_canonical)
    return _change(
        request,
        vendor,
        Kind.NPWP_CHANGE,
        form,
        "servicerequests/npwp_change.html",
        current=npwp_rules.format_display(vendor.npwp_canonical),
    )


@require_http_methods(["GET", "POST"])
@vendor_required
def email_change(request, vendor):
    form = EmailChangeForm(request.POST or None, request.FILES or None, current=request.user.email)
    return _change(request, vendor, Kind.EMAIL_CHANGE, form, "servicerequests/email_change.html")


# Password reset by documents -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """For a vendor that cannot sign in, asked from any hub account. The next page is the same whether
    the user ID and NPWP match a vendor or not."""
    form = PasswordResetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service_request = services.open_password_reset(
            request.user,
            services.PasswordResetApplication(
                user_id=data["user_id"].strip(),
                npwp=data["npwp"],
                delivery_email=data["delivery_email"].strip(),
                portal=data["portal"],
                note=data["note"],
            ),
            data["files"],
        )
        return _submitted(request, service_request)
    return render(
        request,
        "servicerequests/password_reset.html",
        {"form": form, "checklist": documents.checklist(Kind.PASSWORD_RESET)},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def submitted(request):
    """The request just made: its ticket, and what happens next."""
    service_request = (
        ServiceRequest.objects.select_related("ticket__portal")
        .filter(ticket_id=request.session.get(_SUBMITTED), ticket__requester=request.user)
        .first()
    )
    if service_request is None:
        return redirect("servicerequests:index")
    return render(
        request,
        "servicerequests/submitted.html",
        {
            "service_request": service_request,
            "ticket": service_request.ticket,
            "checklist": documents.checklist(service_request.kind),
        },
    )


# The officer's decision ------------------------------------------------------------------------------


def _handled(request, pk: int) -> ServiceRequest:
    try:
        return services.request_for(request.user, pk)
    except services.NotHandled:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    service_request = _handled(request, pk)
    form = DecisionForm(
        request.POST or None,
        kind=service_request.kind,
        initial={"documents": service_request.documents_presented},
    )
    possible: list[dict] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.APPROVE:
                services.approve(
                    service_request,
                    request.user,
                    presented=data["documents"],
                    note=data["reason"],
                    confirmed=data.get("confirmed", False),
                )
                messages.success(
                    request, _("The request is approved and its ticket closed; the requester has been told.")
                )
            else:
                services.reject(
                    service_request, request.user, presented=data["documents"], reason=data["reason"]
                )
                messages.success(
                    request,
                    _("The request is rejected and its ticket closed; the requester has been told why."),
                )
        except services.NotHandled:
            raise Http404 from None
        except services.NeedsConfirmation as uncertain:
            form.add_error(None, str(uncertain))
            possible = uncertain.possible
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("servicerequests:detail", pk=service_request.pk)
    return render(
        request,
        "servicerequests/detail.html",
        {
            "service_request": service_request,
            "ticket": service_request.ticket,
            "form": form,
            "check": _npwp_preview(service_request, possible),
            "presented": documents.texts(service_request.kind, service_request.documents_presented),
        },
        status=400 if form.errors else 200,
    )


def _npwp_preview(service_request: ServiceRequest, possible: list[dict]) -> dict | None:
    """What the duplicate check says now of a waiting NPWP change, for the officer to see before deciding."""
    if service_request.kind != Kind.NPWP_CHANGE or service_request.state != ServiceRequest.State.SUBMITTED:
        return None
    profile = service_request.vendor.vendor
    same, found = services.npwp_check(profile, service_request.new_npwp)
    return {"same": same, "possible": possible or found}
