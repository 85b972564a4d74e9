"""The helpdesk's forms. Every error names its field and says how to put it right; uploaded files are
judged by their content (`uploads.check_pdf`), never by their name."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from satupintu.hub.accounts.forms import new_password_field, security_code_field
from satupintu.hub.accounts.models import User
from satupintu.hub.helpdesk import uploads
from satupintu.hub.helpdesk.models import (
    Category,
    Evaluation,
    Kind,
    Rating,
    Source,
    Status,
)
from satupintu.hub.portals.models import Portal


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (as Django's documentation writes it): cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)] if data else []


class PdfFilesField(MultipleFileField):
    """PDF files, at most `uploads.MAX_FILES` of them, each at most 4 MB and really a PDF: cleans to a
    list of `uploads.CheckedPdf`. Every refused file is named in its own error. Optional unless
    ``required=True`` is given (tickets, verification and service requests all upload through it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}))
        kwargs.setdefault("required", False)
        # An empty file gets check_pdf's message, which names it, instead of Django's nameless one.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = super().clean(data, initial)
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > uploads.MAX_FILES:
            raise forms.ValidationError(
                _("Files: at most %(count)d at a time. Choose fewer, then add the rest in a reply."),
                params={"count": uploads.MAX_FILES},
                code="too_many_files",
            )
        checked, problems = [], []
        for upload in files:
            try:
                checked.append(uploads.check_pdf(upload.name, upload.chunks()))
            except uploads.NotAcceptable as problem:
                problems.append(forms.ValidationError(str(problem), code="not_acceptable"))
        if problems:
            raise forms.ValidationError(problems)
        return checked


def _files_field():
    return PdfFilesField(label=_("PDF files (optional)"))


def _files_help(form: forms.Form) -> None:
    # Written when the form is made, in the language of the request.
    form.fields["files"].help_text = gettext(
        "Up to %(count)d PDF files, at most %(size)d MB each: choose several at once."
    ) % {"count": uploads.MAX_FILES, "size": uploads.MAX_MEGABYTES}


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *Status.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Every category")), *Category.choices]
    )
    portal = forms.ModelChoiceField(
        label=_("LPSE"),
        required=False,
        queryset=Portal.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Every LPSE"),
    )


class ReportPeriodForm(forms.Form):
    """The period of a report: tickets opened from one day to another (both included), each optional."""

    since = forms.DateField(
        label=_("Opened from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Opened from: write a date as YYYY-MM-DD.")},
    )
    until = forms.DateField(
        label=_("Opened until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Opened until: write a date as YYYY-MM-DD.")},
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Opened until: choose a day on or after the day in “Opened from”."))
        return data


class NewTicketForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Title is empty: say in a few words what you need."),
            "max_length": _("Title: keep it under %(limit_value)d characters; the details go below."),
        },
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose the category")), *Category.choices],
        error_messages={"required": _("Category is empty: choose what the ticket is about.")},
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Kind.choices,
        initial=Kind.SERVICE_REQUEST,
        error_messages={"required": _("Type is empty: choose request, problem or question.")},
    )
    portal = forms.ModelChoiceField(
        label=_("LPSE"),
        queryset=Portal.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Choose the LPSE"),
        help_text=_("The LPSE whose helpdesk answers the ticket: the one where you registered."),
        error_messages={
            "required": _("LPSE is empty: choose the LPSE whose helpdesk should answer."),
            "invalid_choice": _("That LPSE is not in the list: choose one from it."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, what you expected, and your user ID or NPWP if the ticket is about one."),
        error_messages={
            "required": _("Description is empty: describe what you need from the helpdesk."),
            # Reachable from the page: a browser counts a line break as one character, the form as two.
            "max_length": _(
                "Description: at most %(limit_value)d characters. Shorten it, or put the rest in a PDF file."
            ),
        },
    )
    files = _files_field()

    def __init__(self, *args, home_portal: Portal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _files_help(self)
        if home_portal is not None:
            # The LPSE that serves the user answers: a disabled field takes its initial value, not what
            # is posted.
            field = self.fields["portal"]
            field.queryset = Portal.objects.filter(pk=home_portal.pk)
            field.initial = home_portal.code
            field.disabled = True
            field.empty_label = None
            field.help_text = _("The LPSE that serves your account answers your tickets.")


class RecordedTicketForm(NewTicketForm):
    """A ticket that helpdesk staff record for someone who called, wrote or came to the LPSE: the
    requester's hub account and how the request came, besides the ticket's own fields."""

    requester = forms.CharField(
        label=_("Requester's user ID"),
        max_length=150,
        help_text=_(
            "The hub account of the vendor or person asking: a User ID Tunggal, a registration's user ID or "
            "a helpdesk account. The helpdesk answers on the ticket's page and by email to that account."
        ),
        error_messages={
            "required": _("Requester's user ID is empty: enter the user ID of the person asking."),
            "max_length": _("Requester's user ID: at most %(limit_value)d characters. Check the user ID."),
        },
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[(value, label) for value, label in Source.choices if value != Source.WEB],
        error_messages={"required": _("Source is empty: choose how the request reached the helpdesk.")},
    )
    field_order = ["requester", "source"]

    def __init__(self, *args, staff_portal: Portal | None = None, **kwargs):
        # The staff of one LPSE record tickets for that LPSE; LKPP's staff choose it.
        super().__init__(*args, home_portal=staff_portal, **kwargs)
        if staff_portal is not None:
            self.fields["portal"].help_text = _("Your LPSE's helpdesk answers the tickets you record.")
        else:
            self.fields["portal"].help_text = _("The LPSE whose helpdesk answers the ticket.")

    def clean_requester(self):
        user_id = self.cleaned_data["requester"].strip()
        requester = get_user_model().objects.filter(username__iexact=user_id, is_active=True).first()
        if requester is None:
            raise forms.ValidationError(
                _(
                    "Requester's user ID: no active account at the hub has the user ID %(user_id)s. A vendor "
                    "activates its portal account first; anyone else signs up for a helpdesk account."
                ),
                params={"user_id": user_id},
                code="unknown_requester",
            )
        return requester


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "Message: at most %(limit_value)d characters. Shorten it, or send the rest in another reply."
            )
        },
    )
    files = _files_field()
    status = forms.ChoiceField(
        label=_("Status after this reply"),
        choices=[
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
            (Status.WAITING_FOR_VENDOR, Status.WAITING_FOR_VENDOR.label),
            (Status.CLOSED, Status.CLOSED.label),
        ],
        error_messages={
            "required": _("Status is empty: choose the status of the ticket after this reply."),
            "invalid_choice": _("Status: choose one from the list."),
        },
    )

    def __init__(self, *args, staff: bool, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        _files_help(self)
        self.staff, self.current = staff, current
        if staff:
            values = [value for value, _label in self.fields["status"].choices]
            self.fields["status"].initial = current if current in values else Status.IN_PROGRESS
        else:
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        status_changes = self.staff and cleaned.get("status") != self.current
        if not cleaned.get("message", "").strip() and not cleaned.get("files") and not status_changes:
            self.add_error("message", _("Message is empty: write a message or choose files to add."))
        return cleaned


class EvaluationForm(forms.Form):
    """Six questions on the service, two on the problem, each answered on the four-point scale."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Comment: at most %(limit_value)d characters. Shorten it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in Evaluation.QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("%(question)s Choose one of the four answers.") % {"question": question},
                    "invalid_choice": _("%(question)s Choose one of the four answers.")
                    % {"question": question},
                },
            )
        self.order_fields([*Evaluation.FIELDS, "comment"])

    def service_rows(self):
        return [self[name] for name in Evaluation.SERVICE_FIELDS]

    def problem_rows(self):
        return [self[name] for name in Evaluation.PROBLEM_FIELDS]

    def answers(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in Evaluation.FIELDS}


class SignupForm(forms.Form):
    """A helpdesk account for the public: a user ID like any other, a name, an email, a password under
    the hub's policy, and the security code."""

    user_id = forms.CharField(
        label=_("User ID"),
        max_length=100,
        validators=User._meta.get_field("username").validators,
        help_text=_("3 to 100 letters, digits, '.', '_', '-' or '@'. You sign in with it."),
        error_messages={"required": _("User ID is empty: choose the user ID you will sign in with.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages={"required": _("Name is empty: write your name, as the helpdesk should address you.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send the confirmation link here, and the helpdesk's answers."),
        error_messages={
            "required": _("Email is empty: enter the address where the confirmation link should go."),
            "invalid": _("Email: this is not an email address. Write it as name@example.co.id."),
        },
    )
    password1 = new_password_field(_("Password"), _("Password is empty: choose a password."))
    password2 = new_password_field(_("Password again"), _("Type the password a second time."))
    captcha = security_code_field()

    def clean_user_id(self) -> str:
        # Whether the user ID is taken is told only after the security code and the rate limit (the view,
        # then `signup.sign_up` under the user ID's lock): told here, it would answer anyone who posts
        # user IDs without a code.
        return self.cleaned_data["user_id"].strip()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password:
            # An unsaved user: the validators compare the password with its user ID, email and name.
            person = get_user_model()(
                username=cleaned.get("user_id", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("name", ""),
            )
            person.company_name = cleaned.get("name", "")
            try:
                password_validation.validate_password(password, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
            if cleaned.get("password2") and cleaned["password2"] != password:
                self.add_error("password2", _("The two passwords differ: type the same password twice."))
        return cleaned


def taken_message() -> str:
    return _("User ID: this one is already taken. Choose another.")
