"""The vendor entity's identity data as a form: name, address, region, postal code and phone. The
self-service edit and the registration both ask for it, with the same checks and the same messages: an
empty or unknown province is a message on the province, never an error page (the FAQ's "Oops")."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from satupintu.core import phone, regions


def _province_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the province"))] + [(p.code, p.name) for p in regions.provinces()]


def _regency_choices() -> list:
    """Regencies and cities grouped by province, as the select shows them."""
    by_province: dict[str, list[tuple[str, str]]] = {}
    for regency in regions.regencies():
        by_province.setdefault(regency.province_code, []).append((regency.code, regency.name))
    return [("", _("Choose the regency or city"))] + [
        (p.name, by_province.get(p.code, [])) for p in regions.provinces()
    ]


def region_codes(province: str, regency: str) -> tuple[str, str]:
    """The codes of a profile's province and regency as stored (free text from an import, or official
    names), for the selects' first values; "" where they cannot be told."""
    resolution = regions.resolve(province, regency)
    province_code = resolution.province.code if resolution.province else ""
    regency_code = resolution.regency.code if resolution.regency else ""
    return province_code, regency_code


def phone_validator(value: str) -> None:
    if phone.national(value) is None:
        raise ValidationError(
            _(
                "Phone: write an Indonesian number with its area code, for example 0251 8325943, "
                "0812 3456 7890 or +62 21 555 1234."
            ),
            code="phone",
        )


class VendorIdentityForm(forms.Form):
    """The vendor entity's identity data as every aggregated portal receives it (NPWP excepted)."""

    name = forms.CharField(
        label=_("Vendor name"),
        max_length=300,
        error_messages={"required": _("Enter the vendor's name, as in its deed of establishment.")},
    )
    address = forms.CharField(
        label=_("Address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the address: street, number and neighbourhood (RT/RW).")},
    )
    province = forms.ChoiceField(
        label=_("Province"),
        error_messages={
            "required": _("Province is empty: choose the province of the address."),
            "invalid_choice": _(
                "Province: '%(value)s' is not an Indonesian province. Choose one from the list."
            ),
        },
    )
    regency = forms.ChoiceField(
        label=_("Regency/city"),
        error_messages={
            "required": _("Regency/city is empty: choose the regency or city of the address."),
            "invalid_choice": _(
                "Regency/city: '%(value)s' is not a regency or city. Choose one from the list."
            ),
        },
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=5,
        validators=[RegexValidator(r"^[0-9]{5}\Z", _("A postal code has 5 digits, for example 16143."))],
        error_messages={
            "required": _("Postal code is empty: enter the 5 digits of the address's postal code."),
            "max_length": _("A postal code has 5 digits, for example 16143."),
        },
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        validators=[phone_validator],
        error_messages={"required": _("Phone is empty: enter a number where the LPSE can reach you.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _province_choices()
        self.fields["regency"].choices = _regency_choices()

    def clean(self):
        cleaned = super().clean()
        province = regions.province_by_code(cleaned.get("province") or "")
        regency = regions.regency_by_code(cleaned.get("regency") or "")
        if province and regency and regency.province_code != province.code:
            self.add_error(
                "regency",
                _("Regency/city: %(regency)s is not in %(province)s. Choose one of that province.")
                % {"regency": regency.name, "province": province.name},
            )
            regency = None
        postal_code = cleaned.get("postal_code")
        if regency and postal_code and regency.postal_codes and postal_code not in regency.postal_codes:
            self.add_error(
                "postal_code",
                _(
                    "Postal code %(code)s is not used in %(regency)s, whose postal codes run from %(first)s "
                    "to %(last)s. Check the postal code, or the regency/city."
                )
                % {
                    "code": postal_code,
                    "regency": regency.name,
                    "first": regency.postal_codes[0],
                    "last": regency.postal_codes[-1],
                },
            )
        return cleaned

    def identity_data(self) -> dict[str, str]:
        """The cleaned data as the vendor profile stores it: official names of the province and regency."""
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "address": data["address"].strip(),
            "province": regions.province_by_code(data["province"]).name,
            "regency": regions.regency_by_code(data["regency"]).name,
            "postal_code": data["postal_code"],
            "phone": data["phone"].strip(),
        }
