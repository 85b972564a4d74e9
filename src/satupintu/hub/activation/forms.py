from django import forms
from django.utils.translation import gettext_lazy as _

from satupintu.hub.accounts.forms import security_code_field
from satupintu.hub.accounts.validators import user_id_validator
from satupintu.hub.portals.models import Portal


class ActivationForm(forms.Form):
    """The first step of activation: which account, its password, and the captcha (*kode keamanan*)."""

    portal = forms.ModelChoiceField(
        label=_("Portal (LPSE) where the account was registered"),
        queryset=Portal.objects.filter(aggregation_active=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Choose the portal"),
        error_messages={"required": _("Choose the portal where you registered the account.")},
    )
    user_id = forms.CharField(
        label=_("User ID at that portal"),
        max_length=100,
        error_messages={"required": _("Enter the user ID you sign in with at that portal.")},
    )
    password = forms.CharField(
        label=_("Password at that portal"),
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter the password of that user ID.")},
    )
    captcha = security_code_field()


class NewUserIdForm(forms.Form):
    """A new user ID after a collision, confirmed with the account's password."""

    new_user_id = forms.CharField(
        label=_("New user ID"),
        max_length=100,
        validators=[user_id_validator],
        error_messages={"required": _("Choose a new user ID.")},
    )
    password = forms.CharField(
        label=_("Your password at the portal (to confirm)"),
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter your password again to confirm the change.")},
    )


class TunggalPasswordForm(forms.Form):
    """A member's activation: the password of its group's User ID Tunggal."""

    password = forms.CharField(
        label=_("Password of the User ID Tunggal"),
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter the password of the User ID Tunggal shown above.")},
    )
