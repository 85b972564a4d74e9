"""The forms of the service requests, and the two forms the hub gives allauth's password reset. Every
error names its field and says how to put it right."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm, ResetPasswordKeyForm
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from satupintu.hub.accounts.forms import security_code_field
from satupintu.hub.accounts.validators import password_meter
from satupintu.hub.helpdesk.forms import PdfFilesField
from satupintu.hub.portals.models import Portal
from satupintu.hub.registration.forms import canonical_npwp, npwp_field
from satupintu.hub.servicerequests import documents

_EMAIL_INVALID = _("Email: this is not an email address. Write it as name@example.co.id.")


# Forgot password (allauth's pages) -------------------------------------------------------------------


class ForgotPasswordForm(ResetPasswordForm):
    """allauth's request for a reset link, finding accounts by their email of record only.

    allauth compares ``User.email`` exactly with the lower-cased address, so an imported
    ``Info@Cahaya.co.id`` would never be found; and it also finds addresses waiting for confirmation in
    its own table, which a vendor may have typed wrong. Here an account is found by its current address,
    whatever its case, and only if it is active. Found or not, allauth queues one email (the unknown
    address gets the one that says no account uses it) and shows the same page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email")
        self.fields["email"].help_text = _("The email address registered for your account.")
        self.fields["email"].error_messages = {
            "required": _("Email is empty: enter the email address registered for your account."),
            "invalid": _EMAIL_INVALID,
        }

    def clean_email(self) -> str:
        email = get_adapter().clean_email(self.cleaned_data["email"].strip())
        self.users = list(get_user_model().objects.filter(email__iexact=email, is_active=True))
        return email


class NewPasswordForm(ResetPasswordKeyForm):
    """allauth's set-password form of the reset link; its password field already runs the hub's
    validators (AUTH_PASSWORD_VALIDATORS, through the adapter). This adds the strength meter's texts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password again")
        self.meter = password_meter()


# User ID look-up --------------------------------------------------------------------------------------


class UserIdLookupForm(forms.Form):
    """The company's data the LPSEs ask for (FAQ 1), and the security code."""

    company_name = forms.CharField(
        label=_("Company name"),
        max_length=300,
        error_messages={
            "required": _("Company name is empty: enter the name of the company."),
            "max_length": _("Company name: at most %(limit_value)d characters. Shorten it."),
        },
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Address is empty: enter the company's address."),
            "max_length": _("Address: at most %(limit_value)d characters. Shorten it."),
        },
    )
    npwp = npwp_field()
    email = forms.EmailField(
        label=_("Registered email"),
        max_length=254,
        help_text=_("The user ID is sent only to the email registered for the vendor."),
        error_messages={
            "required": _("Email is empty: enter the email address registered for the company."),
            "invalid": _EMAIL_INVALID,
        },
    )
    captcha = security_code_field()

    def clean_npwp(self) -> str:
        return canonical_npwp(self.cleaned_data["npwp"])


# Requests with documents -------------------------------------------------------------------------------


def _scans_field() -> PdfFilesField:
    return PdfFilesField(
        required=True,
        label=_("Scans of the documents (PDF, at most 4 MB each)"),
        error_messages={"required": _("Choose the PDF scans of the documents listed above.")},
    )


class NpwpChangeForm(forms.Form):
    new_npwp = npwp_field(_("New NPWP"))
    files = _scans_field()

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_new_npwp(self) -> str:
        new = canonical_npwp(self.cleaned_data["new_npwp"])
        if new == self.current:
            raise forms.ValidationError(
                _("New NPWP: this is the NPWP the account has now. Enter the new one."), code="same"
            )
        return new


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New email"),
        max_length=254,
        error_messages={
            "required": _("New email is empty: enter the company's new email address."),
            "invalid": _EMAIL_INVALID,
        },
    )
    files = _scans_field()

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_new_email(self) -> str:
        new = self.cleaned_data["new_email"].strip()
        if new.lower() == self.current.lower():
            raise forms.ValidationError(
                _("New email: this is the address the account has now. Enter the new one."), code="same"
            )
        return new


class PasswordResetForm(forms.Form):
    """A password reset by documents, for a vendor that cannot sign in."""

    user_id = forms.CharField(
        label=_("The vendor's user ID"),
        max_length=100,
        error_messages={
            "required": _("User ID is empty: enter the user ID of the vendor's account."),
            "max_length": _("User ID: at most %(limit_value)d characters. Check the user ID."),
        },
    )
    npwp = npwp_field(_("The company's NPWP"))
    delivery_email = forms.EmailField(
        label=_("Email for the new-password link"),
        max_length=254,
        help_text=_("If the LPSE approves, the link to set a new password is sent here."),
        error_messages={
            "required": _("Email for the new-password link is empty: enter the address that should get it."),
            "invalid": _EMAIL_INVALID,
        },
    )
    portal = forms.ModelChoiceField(
        label=_("LPSE where the vendor registered"),
        queryset=Portal.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Choose the LPSE"),
        error_messages={
            "required": _("Choose the LPSE where the vendor registered: its helpdesk checks the documents."),
            "invalid_choice": _("That LPSE is not in the list: choose one from it."),
        },
    )
    note = forms.CharField(
        label=_("Note for the helpdesk (optional)"),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Note: at most %(limit_value)d characters. Shorten it.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = _scans_field()

    def clean_npwp(self) -> str:
        return canonical_npwp(self.cleaned_data["npwp"])


# The officer's decision --------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    documents = forms.TypedMultipleChoiceField(
        label=_("Documents presented"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirmed = forms.BooleanField(
        label=_("I have checked the accounts above: they are not this vendor."),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason or note, as the requester will read it"),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Reason: at most %(limit_value)d characters. Shorten it.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject."),
    )
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose Approve or Reject.")},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [
            (i, document.text) for i, document in enumerate(documents.checklist(kind))
        ]
        if kind != documents.Kind.NPWP_CHANGE:
            del self.fields["confirmed"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Reason is empty: write why the request is rejected."))
        return cleaned
