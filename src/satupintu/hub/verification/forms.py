from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satupintu.hub.helpdesk.forms import PdfFilesField
from satupintu.hub.registration import documents
from satupintu.hub.registration.models import Registration, VerificationMethod


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=Registration.State.choices,
        required=False,
        initial=Registration.State.SUBMITTED,
    )
    q = forms.CharField(label=_("User ID, name, email or NPWP"), required=False, max_length=100)


class ApproveForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Verified"), choices=VerificationMethod.choices, widget=forms.RadioSelect
    )
    originals = forms.TypedMultipleChoiceField(
        label=_("Originals seen"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick every original the vendor showed.")},
    )
    note = forms.CharField(
        label=_("Note to the vendor (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        required = documents.required_documents(registration.legal_form)
        self.fields["originals"].choices = [(i, text) for i, text in enumerate(required)]
        self.initial.setdefault("method", registration.method or VerificationMethod.IN_PERSON)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, as the vendor will read it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason for the rejection: the vendor receives it.")},
    )


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=_("Date and time (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Choose the date and time of the call."),
            "invalid": _("Enter a date and time, e.g. 2026-12-01 10:00."),
        },
    )
    how = forms.CharField(
        label=_("How the call is made"),
        max_length=300,
        help_text=_("For example: a WhatsApp video call from 0251 8325943 to the number in the ticket."),
        error_messages={"required": _("Say how the call is made, so that the vendor is ready.")},
    )

    def clean_when(self):
        when = self.cleaned_data["when"]
        now = timezone.now()
        # A call already made may be recorded the same week; nothing is planned months ahead.
        if when < now - timedelta(days=7) or when > now + timedelta(days=60):
            raise forms.ValidationError(_("Choose a time between a week ago and sixty days from now."))
        return when


class OnlineVerificationForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Name the company and the WhatsApp number of the director or owner for the video call."),
        error_messages={
            "required": _("Write the description: the company and the WhatsApp number for the call.")
        },
    )
    files = PdfFilesField(
        required=True,
        label=_("Scans of the documents (PDF, at most 4 MB each)"),
        error_messages={"required": _("Choose the PDF scans of the documents listed above.")},
    )
