"""The self-service pages. Only the signed-in vendor sees and changes its own data; staff accounts get a
page that says these pages are for vendors. ``?portal=CODE`` of an aggregated portal adds a way back to
it, and is kept from page to page."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satupintu.hub.accounts.validators import password_meter, user_id_validator
from satupintu.hub.activation.services import UserIdInvalid, UserIdTaken
from satupintu.hub.selfservice import services
from satupintu.hub.selfservice.forms import IdentityForm, PasswordForm, UserIdForm
from satupintu.hub.selfservice.services import EmailConfirmation, NotATunggal
from satupintu.hub.vendors.forms import region_codes

# allauth's rate limits (settings.ACCOUNT_RATE_LIMITS), each per IP address and per account:
# wrong current passwords;
_CREDENTIAL_RATE_ACTION = "self_service_password"
# refused new user IDs ("already used at a portal" tells that a user ID exists);
_USER_ID_RATE_ACTION = "self_service_user_id"
# confirmation emails, each sent to an address the vendor types.
_EMAIL_RATE_ACTION = "self_service_email"


def vendor_required(view):
    """Signed in (else to the sign-in page, and back), and a vendor (else a page that says so)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        vendor = services.vendor_of(request.user)
        portal = services.back_portal(request.GET.get("portal"))
        context = {
            "portal": portal,
            "portal_query": f"?{urlencode({'portal': portal.code})}" if portal else "",
        }
        if vendor is None:
            return render(request, "selfservice/not_vendor.html", context, status=403)
        return view(request, *args, vendor=vendor, context=context, **kwargs)

    return wrapper


def _to_overview(context):
    return redirect(reverse("selfservice:overview") + context["portal_query"])


def _consume(request, action: str, *, dry_run: bool = False) -> bool:
    """Count one ``action`` of the signed-in vendor (or only look, with ``dry_run``); False once its
    limit is reached."""
    return ratelimit.consume(request, action=action, key=f"user:{request.user.pk}", dry_run=dry_run)


def _within_limit(request, form, action: str) -> bool:
    if _consume(request, action, dry_run=True):
        return True
    form.add_error(None, _("Too many attempts. Wait a few minutes, then try again."))
    return False


def _current_password_ok(request, form, purpose: str) -> bool:
    """Check the current password of ``form``, limited per IP and per account; a failure counts, and
    puts the reason on the form."""
    if not _within_limit(request, form, _CREDENTIAL_RATE_ACTION):
        return False
    if request.user.check_password(form.cleaned_data["password"]):
        return True
    _consume(request, _CREDENTIAL_RATE_ACTION)
    services.reject_current_password(request.user, purpose)
    form.add_error("password", _("Current password: this is not your password. Type it again."))
    return False


@require_http_methods(["GET"])
@vendor_required
def overview(request, vendor, context):
    verified, pending = services.email_state(request.user)
    return render(
        request,
        "selfservice/overview.html",
        {**context, "vendor": vendor, "email_verified": verified, "email_pending": pending},
    )


@require_http_methods(["GET", "POST"])
@vendor_required
def user_id(request, vendor, context):
    form = UserIdForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _within_limit(request, form, _USER_ID_RATE_ACTION)
        and _current_password_ok(request, form, "user_id")
    ):
        try:
            change = services.change_user_id(request.user, form.cleaned_data["new_user_id"])
        except UserIdTaken:
            _consume(request, _USER_ID_RATE_ACTION)
            form.add_error(
                "new_user_id", _("New user ID: this user ID is already used at a portal. Choose another.")
            )
        except UserIdInvalid:
            _consume(request, _USER_ID_RATE_ACTION)
            form.add_error("new_user_id", user_id_validator.message)
        except NotATunggal:
            form.add_error(
                None,
                _(
                    "Your user ID cannot be changed here: it is not an activated account of a portal. Ask your LPSE."
                ),
            )
        else:
            messages.success(
                request,
                _("Your user ID is now %(user_id)s. Sign in with it here and at every aggregated portal.")
                % {"user_id": change.new_user_id},
            )
            return _to_overview(context)
    return render(request, "selfservice/user_id.html", {**context, "form": form, "vendor": vendor})


@require_http_methods(["GET", "POST"])
@vendor_required
def password(request, vendor, context):
    form = PasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and _current_password_ok(request, form, "password"):
        services.change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # stay signed in here; other sessions end
        messages.success(request, _("Your password has been changed. Use it at every aggregated portal."))
        return _to_overview(context)
    return render(
        request,
        "selfservice/password.html",
        {
            **context,
            "form": form,
            "vendor": vendor,
            **password_meter(),
        },
    )


def _too_many_emails() -> str:
    return _("Too many confirmation emails have been sent. Wait an hour, then try again.")


def _email_change_confirmed(request, form) -> bool:
    """A new email address needs the current password (checked and limited like every credential), and
    counts as one confirmation email."""
    if form.cleaned_data["email"].lower() == request.user.email.lower():
        return True
    if not form.cleaned_data["password"]:
        form.add_error("password", _("Current password: enter it to change the email address."))
        return False
    if not _current_password_ok(request, form, "email"):
        return False
    if not _consume(request, _EMAIL_RATE_ACTION):
        form.add_error("email", _too_many_emails())
        return False
    return True


@require_http_methods(["GET", "POST"])
@vendor_required
def identity(request, vendor, context):
    province, regency = region_codes(vendor.province, vendor.regency)
    initial = {
        **{name: getattr(vendor, name) for name in ("name", "address", "postal_code", "phone")},
        "province": province,
        "regency": regency,
        "email": request.user.email,
    }
    form = IdentityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _email_change_confirmed(request, form):
        update = services.update_identity(request.user, form.identity_data())
        if update.changes:
            messages.success(request, _("Your data has been saved. Every aggregated portal receives it."))
        if update.email_requested:
            messages.info(
                request,
                _(
                    "We are sending a link to %(email)s. Your email address changes when you follow it; until "
                    "then the current one stays."
                )
                % {"email": update.email_requested},
            )
        if not update.changes and not update.email_requested:
            messages.info(request, _("Nothing has changed."))
        return _to_overview(context)
    return render(request, "selfservice/identity.html", {**context, "form": form, "vendor": vendor})


@require_POST
@vendor_required
def verify_email(request, vendor, context):
    """Send a confirmation link to the current, not yet verified, address."""
    if not _consume(request, _EMAIL_RATE_ACTION):
        messages.warning(request, _too_many_emails())
        return _to_overview(context)
    services.request_email_change(request.user, request.user.email)
    messages.info(request, _("We are sending a link to %(email)s.") % {"email": request.user.email})
    return _to_overview(context)


@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """The link of a confirmation email. Opening it asks for one click (so that a mail scanner opening it
    changes nothing); it works without signing in, since it proves that the mailbox is the vendor's."""
    read = services.read_email_token(token)
    if request.method == "POST":
        result = services.confirm_email(token)
        status = 200 if result.outcome is EmailConfirmation.CONFIRMED else 400
        return render(request, "selfservice/email_confirmed.html", {"result": result}, status=status)
    return render(
        request,
        "selfservice/confirm_email.html",
        {"email": read[1] if read else "", "valid": read is not None},
        status=200 if read else 400,
    )
