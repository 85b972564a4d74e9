from allauth.account.forms import LoginForm
from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from satupintu.hub.activation.services import explain_refused_login


class UserIdLoginForm(LoginForm):
    """Sign-in by user ID. When the user ID and password are those of a portal account that cannot sign
    in here (not activated yet, or a member now linked to its User ID Tunggal), the error says what to
    do instead. It says so only to someone who knew that account's password: nobody learns from it
    whether a user ID exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("User ID")
        self.fields["login"].widget.attrs["placeholder"] = _("User ID")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            hint = explain_refused_login(
                self.cleaned_data.get("login", ""), self.cleaned_data.get("password", "")
            )
            if hint:
                raise forms.ValidationError(hint, code="not_a_hub_login") from error
            raise


def new_password_field(label, required_message) -> forms.CharField:
    """A field for a new password, as typed (not stripped), that browsers may fill with a generated one."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": required_message},
    )


def security_code_field() -> CaptchaField:
    """The self-hosted captcha of the public forms (registration, activation, look-ups, sign-up), its
    errors naming the field."""
    empty = _("Security code is empty: type the characters in the picture.")
    return CaptchaField(
        label=_("Security code"),
        error_messages={
            "required": empty,
            "incomplete": empty,
            "invalid": _("The security code is wrong: type the characters in the picture."),
        },
    )
