"""The registration forms. Every error names its field and says how to put it right."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from satupintu.core import npwp
from satupintu.hub.accounts.forms import new_password_field, security_code_field
from satupintu.hub.accounts.validators import user_id_validator
from satupintu.hub.portals.models import Portal
from satupintu.hub.registration.documents import LegalForm
from satupintu.hub.registration.models import OfficeStatus
from satupintu.hub.vendors.forms import VendorIdentityForm

_NPWP_PROBLEMS = {
    npwp.NpwpProblem.EMPTY: _("NPWP is empty: enter the company's tax number."),
    npwp.NpwpProblem.NOT_DIGITS: _("NPWP: use digits only, with '.', '-' or '/' between them if you like."),
    npwp.NpwpProblem.LENGTH: _("NPWP has 15 digits (old form) or 16 digits (new form): check the number."),
    npwp.NpwpProblem.CHECKSUM: _("NPWP: the check digit does not match. Check the number on the NPWP card."),
    npwp.NpwpProblem.PLACEHOLDER: _("NPWP: all zeros is not a tax number. Enter the company's real NPWP."),
    npwp.NpwpProblem.NIK_INVALID: _(
        "NPWP: a 16-digit NPWP that does not start with 0 is a NIK, and this one is not valid. Check it."
    ),
}


def npwp_field(label=None) -> forms.CharField:
    """An NPWP as typed, in either form, with its separators (checked by `canonical_npwp`)."""
    return forms.CharField(
        label=label or _("NPWP"),
        max_length=30,
        error_messages={
            "required": _NPWP_PROBLEMS[npwp.NpwpProblem.EMPTY],
            "max_length": _("NPWP: at most %(limit_value)d characters. Enter its 15 or 16 digits."),
        },
    )


def canonical_npwp(value: str) -> str:
    """The 16-digit form of a typed NPWP; a `ValidationError` that names what is wrong with it."""
    checked = npwp.check(value)
    if checked.canonical is None:
        raise forms.ValidationError(_NPWP_PROBLEMS[checked.problem], code=checked.problem.value)
    return checked.canonical


class EmailForm(forms.Form):
    """Stage 1: the address that will receive the link, and the security code."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Use the company's email address: the hub and the portals write to it."),
        error_messages={
            "required": _("Email is empty: enter the address where the registration link should go."),
            "invalid": _("Email: this is not an email address. Write it as name@example.co.id."),
        },
    )
    captcha = security_code_field()


class NpwpForm(forms.Form):
    """Stage 2, first part: what the vendor is, and its NPWP (then "Cek KSWP")."""

    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        choices=[("", _("Choose the legal form")), *LegalForm.choices],
        error_messages={"required": _("Legal form is empty: choose the form of the business.")},
    )
    office_status = forms.ChoiceField(
        label=_("Head office or branch"),
        choices=OfficeStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether this is the head office or a branch.")},
    )
    npwp = npwp_field()

    def clean_npwp(self) -> str:
        return canonical_npwp(self.cleaned_data["npwp"])


class DetailsForm(VendorIdentityForm):
    """Stage 2, second part: the user ID, the password, the identity data and the verifying LPSE."""

    user_id = forms.CharField(
        label=_("User ID"),
        max_length=100,
        validators=[user_id_validator],
        help_text=_(
            "You will sign in with it at every aggregated portal: choose one that is easy to remember."
        ),
        error_messages={"required": _("User ID is empty: choose the user ID you will sign in with.")},
    )
    password1 = new_password_field(_("New password"), _("Enter the new password."))
    password2 = new_password_field(_("New password again"), _("Type the new password a second time."))
    verifying_portal = forms.ModelChoiceField(
        label=_("LPSE that verifies your documents"),
        queryset=Portal.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Choose the LPSE"),
        help_text=_("You bring your documents there, or send them through its online verification."),
        error_messages={
            "required": _("Choose the LPSE that will verify your documents."),
            "invalid_choice": _("That LPSE is not in the list: choose one from it."),
        },
    )

    field_order = ["user_id", "password1", "password2", "name", "address", "province", "regency"]

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password:
            # An unsaved user: the validators compare the password with its attributes.
            registrant = get_user_model()(
                username=cleaned.get("user_id", ""), email=self.email, first_name=cleaned.get("name", "")
            )
            registrant.company_name = cleaned.get("name", "")
            try:
                # The policy validators (settings.AUTH_PASSWORD_VALIDATORS) are the authority.
                password_validation.validate_password(password, registrant)
            except forms.ValidationError as error:
                self.add_error("password1", error)
            if cleaned.get("password2") and cleaned["password2"] != password:
                self.add_error("password2", _("The two passwords differ: type the same password twice."))
        return cleaned
