"""The self-service forms. Each error names the field and says how to fix it: an empty or unknown
province is a message on the province, never an error page (the FAQ's "Oops")."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from satupintu.hub.accounts.forms import new_password_field
from satupintu.hub.accounts.validators import user_id_validator
from satupintu.hub.vendors.forms import VendorIdentityForm

_CURRENT_PASSWORD_REQUIRED = _("Enter your current password to confirm the change.")


def current_password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _CURRENT_PASSWORD_REQUIRED},
    )


class UserIdForm(forms.Form):
    new_user_id = forms.CharField(
        label=_("New user ID"),
        max_length=100,
        validators=[user_id_validator],
        error_messages={"required": _("Enter the new user ID.")},
    )
    password = current_password_field()


class PasswordForm(forms.Form):
    password = current_password_field()
    new_password1 = new_password_field(_("New password"), _("Enter the new password."))
    new_password2 = new_password_field(_("New password again"), _("Type the new password a second time."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        # The policy validator (settings.AUTH_PASSWORD_VALIDATORS) is the authority; the meter only helps.
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new passwords differ: type the same password twice."))
        return cleaned


class IdentityForm(VendorIdentityForm):
    """The identity data a vendor edits at the hub, with its email address."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("A new address is used only after you follow the link the hub sends to it."),
        error_messages={
            "required": _("Email is empty: enter the address where the hub and the portals write to you."),
            "invalid": _("Email: this is not an email address. Write it as name@example.co.id."),
        },
    )

    # Asked only when the email changes: whoever holds a signed-in session could otherwise point the
    # address, and with it the password reset, at a mailbox of theirs.
    password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only when you change the email address."),
    )

    def identity_data(self) -> dict[str, str]:
        return {**super().identity_data(), "email": self.cleaned_data["email"].strip()}
