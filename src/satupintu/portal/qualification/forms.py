"""Forms of the qualification data. Every message names its field and says what to enter."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satupintu.portal.qualification.models import BusinessLicence, Experience, TaxRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _required(field: str, what: str) -> dict:
    return {"required": _("%(field)s: %(what)s") % {"field": field, "what": what}}


class LicenceForm(forms.ModelForm):
    class Meta:
        model = BusinessLicence
        fields = ["kind", "number", "valid_until", "issuer"]
        widgets = {"valid_until": DATE}
        help_texts = {"valid_until": _("Leave empty if the licence does not expire (an NIB does not).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages.update(
            _required(_("Licence type"), _("choose the type of the licence."))
        )
        self.fields["number"].error_messages.update(
            _required(_("Licence number"), _("enter the number printed on the licence."))
        )
        self.fields["issuer"].error_messages.update(
            _required(_("Issued by"), _("enter the office that issued the licence, e.g. OSS RBA."))
        )
        self.fields["valid_until"].error_messages["invalid"] = _(
            "Valid until: enter a date such as 2027-12-31."
        )

    def clean_valid_until(self):
        value = self.cleaned_data.get("valid_until")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(
                _("Valid until: the licence expired on %(date)s; only a licence in force qualifies.")
                % {"date": value.isoformat()}
            )
        return value


class TaxForm(forms.ModelForm):
    class Meta:
        model = TaxRecord
        fields = ["year", "receipt_number", "filed_on"]
        widgets = {"filed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages.update(
            _required(_("Tax year"), _("enter the year the return is for, e.g. 2024.")),
            invalid=_("Tax year: enter a year as four digits, e.g. 2024."),
        )
        self.fields["receipt_number"].error_messages.update(
            _required(_("Receipt number (BPE)"), _("enter the number of the electronic filing receipt."))
        )
        self.fields["filed_on"].error_messages.update(
            _required(_("Filed on"), _("enter the date the return was filed.")),
            invalid=_("Filed on: enter a date such as 2025-03-31."),
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 2000 <= year < this_year:
            raise forms.ValidationError(
                _("Tax year: enter a year from 2000 to %(last)d (a year that has ended).")
                % {"last": this_year - 1}
            )
        return year

    def clean(self):
        data = super().clean()
        year, filed_on = data.get("year"), data.get("filed_on")
        if year and filed_on and filed_on < dt.date(year + 1, 1, 1):
            self.add_error(
                "filed_on",
                _("Filed on: an annual return is filed after its tax year ends, in %(next)d or later.")
                % {"next": year + 1},
            )
        if filed_on and filed_on > timezone.localdate():
            self.add_error("filed_on", _("Filed on: the date cannot be in the future."))
        return data


class ExperienceForm(forms.ModelForm):
    class Meta:
        model = Experience
        fields = ["work", "client", "contract_number", "contract_value", "completed_on"]
        widgets = {"completed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work"].error_messages.update(_required(_("Work"), _("enter what the contract was for.")))
        self.fields["client"].error_messages.update(
            _required(_("Client"), _("enter the agency or company you worked for."))
        )
        self.fields["contract_number"].error_messages.update(
            _required(_("Contract number"), _("enter the number on the contract."))
        )
        self.fields["contract_value"].error_messages.update(
            _required(_("Contract value"), _("enter the value in rupiah, digits only.")),
            invalid=_("Contract value: enter the value in rupiah, digits only (no dots or commas)."),
        )
        self.fields["completed_on"].error_messages.update(
            _required(_("Completed on"), _("enter the date of the handover (BAST).")),
            invalid=_("Completed on: enter a date such as 2024-11-30."),
        )

    def clean_contract_value(self):
        value = self.cleaned_data["contract_value"]
        if value <= 0:
            raise forms.ValidationError(_("Contract value: enter an amount above zero."))
        return value

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("Completed on: only completed work counts; the date is in the future.")
            )
        return value
