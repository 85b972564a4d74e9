"""The review queue's forms. Each error names the field and says what to do."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satupintu.aggregation.engine import Finding
from satupintu.core import npwp as npwp_rules
from satupintu.core import regions
from satupintu.core.npwp import NpwpProblem
from satupintu.hub.portals.models import Portal

NPWP_PROBLEMS = {
    NpwpProblem.EMPTY: _("Enter the NPWP."),
    NpwpProblem.NOT_DIGITS: _("The NPWP may hold only digits and the separators . - /"),
    NpwpProblem.LENGTH: _(
        "The NPWP must have 15 digits (old form, 01.312.166.0-091.000) or 16 digits (new form)."
    ),
    NpwpProblem.CHECKSUM: _("The NPWP's check digit does not match: compare each digit with the tax card."),
    NpwpProblem.PLACEHOLDER: _("An NPWP of zeros is a placeholder: enter the vendor's real NPWP."),
    NpwpProblem.NIK_INVALID: _(
        "A 16-digit NPWP that does not start with 0 must be the owner's NIK: check its digits."
    ),
}


def _reason_field():
    return forms.CharField(
        label=_("Reason (kept in the audit trail)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Write why, for example which documents you checked or whom you called.")
        },
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("User ID, name or NPWP"), required=False, max_length=100)
    finding = forms.ChoiceField(
        label=_("Finding"),
        required=False,
        choices=[("", _("Every finding")), *[(f.value, f.value) for f in Finding]],
    )
    portal = forms.ModelChoiceField(
        label=_("Portal"),
        required=False,
        queryset=Portal.objects.filter(aggregation_active=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Every portal"),
    )


def _province_choices():
    return [("", _("Choose the province")), *[(p.name, p.name) for p in regions.provinces()]]


def _regency_choices():
    by_province: dict[str, list[tuple[str, str]]] = {}
    for regency in regions.regencies():
        by_province.setdefault(regency.province_code, []).append((regency.name, regency.name))
    return [
        ("", _("Choose the regency or city")),
        *[(p.name, by_province.get(p.code, [])) for p in regions.provinces()],
    ]


class RegionForm(forms.Form):
    """A corrected province and regency/city, from the Kemendagri list."""

    province = forms.ChoiceField(
        label=_("Province"),
        choices=_province_choices,
        error_messages={
            "required": _("Choose the province from the list."),
            "invalid_choice": _("Choose the province from the list."),
        },
    )
    regency = forms.ChoiceField(
        label=_("Regency/city"),
        choices=_regency_choices,
        error_messages={
            "required": _("Choose the regency or city (kabupaten/kota) from the list."),
            "invalid_choice": _("Choose the regency or city (kabupaten/kota) from the list."),
        },
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        region = regions.resolve(data["province"], data["regency"])
        if region.status is regions.RegionStatus.REGENCY_NOT_IN_PROVINCE:
            home = regions.province_by_code(region.regency.province_code)
            self.add_error(
                "regency",
                _("%(regency)s is not in %(province)s but in %(home)s: correct the province or the regency.")
                % {"regency": region.regency.name, "province": region.province.name, "home": home.name},
            )
        elif not region.ok:
            self.add_error("regency", _("Choose the regency or city (kabupaten/kota) from the list."))
        return data


class NpwpForm(forms.Form):
    npwp = forms.CharField(
        label=_("NPWP"),
        max_length=40,
        error_messages={"required": NPWP_PROBLEMS[NpwpProblem.EMPTY]},
    )

    def clean_npwp(self):
        value = self.cleaned_data["npwp"].strip()
        checked = npwp_rules.check(value)
        if not checked.valid:
            raise forms.ValidationError(NPWP_PROBLEMS[checked.problem], code=checked.problem.value)
        return value


def _account_choices(accounts) -> list[tuple[str, str]]:
    """Choices among the accounts a case offers, by primary key, labelled portal/user ID."""
    return [(str(a.pk), f"{a.portal.name}: {a.user_id} ({a.name})") for a in accounts]


class DifferentForm(forms.Form):
    other = forms.TypedChoiceField(
        label=_("Different vendor from"),
        coerce=int,
        error_messages={
            "required": _("Choose the account that belongs to a different vendor."),
            "invalid_choice": _(
                "Choose one of the accounts listed: the case has changed, so look at it again."
            ),
        },
    )
    reason = _reason_field()

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [("", _("Choose an account")), *_account_choices(accounts)]


class SplitForm(forms.Form):
    reason = _reason_field()


class MergeForm(forms.Form):
    others = forms.TypedMultipleChoiceField(
        label=_("The same vendor as"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one account that is the same vendor."),
            "invalid_choice": _("Tick only the accounts listed: the case has changed, so look at it again."),
        },
    )
    reason = _reason_field()

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].choices = _account_choices(accounts)
        if not self.is_bound:
            self.initial.setdefault("others", [str(a.pk) for a in accounts])
