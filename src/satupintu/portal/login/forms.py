from django import forms
from django.utils.translation import gettext_lazy as _


class LocalSignInForm(forms.Form):
    user_id = forms.CharField(
        label=_("User ID"),
        max_length=100,
        error_messages={"required": _("User ID: enter the user ID of your account at this portal.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        error_messages={"required": _("Password: enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
