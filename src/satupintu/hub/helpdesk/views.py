"""The helpdesk's pages. Each view reads its form and calls one service; a ticket that the user may not
see does not exist for them (404), and a refusal of the rules is said on the page."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from satupintu.hub.accounts.validators import password_meter
from satupintu.hub.helpdesk import services, signup
from satupintu.hub.helpdesk.forms import (
    EvaluationForm,
    ListFilterForm,
    NewTicketForm,
    RecordedTicketForm,
    ReplyForm,
    ReportPeriodForm,
    SignupForm,
    taken_message,
)
from satupintu.hub.helpdesk.models import (
    Activity,
    Category,
    Evaluation,
    Source,
    Status,
)
from satupintu.hub.links import hub_url
from satupintu.hub.paging import page_of

PAGE_SIZE = 25
# allauth's rate limit (settings.ACCOUNT_RATE_LIMITS) of the sign-ups tried, per IP address and per
# email address: each one mails an address that the visitor types, or tells that a user ID is taken.
SIGNUP_RATE_ACTION = "helpdesk_signup"
_SIGNUP_SESSION = "helpdesk_signup"


def _visible(user, pk: int):
    try:
        return services.ticket_for(user, pk)
    except services.NotVisible:
        raise Http404 from None


# The list ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def ticket_list(request):
    """A requester's own tickets; for helpdesk staff, the tickets of their portal (or of every portal)."""
    scope = services.staff_scope(request.user)
    filters = ListFilterForm(request.GET or None)
    if scope is None or not scope.national:
        del filters.fields["portal"]
    values = filters.cleaned_data if filters.is_valid() else {}
    tickets = services.handled_by(scope) if scope else services.requested_by(request.user)
    if values.get("status"):
        tickets = tickets.filter(status=values["status"])
    if values.get("category"):
        tickets = tickets.filter(category=values["category"])
    if values.get("portal"):
        tickets = tickets.filter(portal=values["portal"])
    page, query = page_of(request, tickets, PAGE_SIZE)
    return render(
        request,
        "helpdesk/list.html",
        {"scope": scope, "filters": filters, "page": page, "query": query},
    )


# A new ticket -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_ticket(request):
    """A ticket of one's own; for helpdesk staff, a ticket recorded for someone who called, wrote or came."""
    scope = services.staff_scope(request.user)
    if scope is not None:
        return _record_ticket(request, scope)
    home = services.home_portal_of(request.user)
    form = NewTicketForm(request.POST or None, request.FILES or None, home_portal=home)
    if request.method == "POST" and form.is_valid():
        ticket = services.open_ticket(
            request.user, _new_ticket(form.cleaned_data, Source.WEB), form.cleaned_data["files"]
        )
        messages.success(
            request,
            _("Your ticket %(number)s is open: the helpdesk of %(portal)s answers it here and by email.")
            % {"number": ticket.number, "portal": ticket.portal.name},
        )
        return redirect("helpdesk:ticket", pk=ticket.pk)
    return render(
        request,
        "helpdesk/new.html",
        {"form": form, "home": home},
        status=400 if form.errors else 200,
    )


def _record_ticket(request, scope):
    form = RecordedTicketForm(request.POST or None, request.FILES or None, staff_portal=scope.portal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.open_ticket(
                data["requester"], _new_ticket(data, data["source"]), data["files"], actor=request.user
            )
        except services.NotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Ticket %(number)s is recorded for %(user_id)s, who is told by email.")
                % {"number": ticket.number, "user_id": ticket.requester.username},
            )
            return redirect("helpdesk:ticket", pk=ticket.pk)
    return render(
        request,
        "helpdesk/new.html",
        {"form": form, "recording": True},
        status=400 if form.errors else 200,
    )


def _new_ticket(data: dict, source: str) -> services.NewTicket:
    return services.NewTicket(
        title=data["title"],
        category=data["category"],
        description=data["description"],
        source=source,
        kind=data["kind"],
        portal=data["portal"],
        registration=None,
    )


# The ticket -------------------------------------------------------------------------------------------


def _forms(ticket, staff: bool, data=None, files=None, action: str = "") -> dict:
    """The page's forms; the one that was posted is bound to what was posted."""
    return {
        "reply": ReplyForm(
            data if action == "reply" else None,
            files if action == "reply" else None,
            staff=staff,
            current=ticket.status,
        ),
        "evaluation": EvaluationForm(data if action == "evaluate" else None),
    }


def _ticket_page(request, ticket, forms: dict, status: int = 200):
    user = request.user
    staff = services.handles(user, ticket)
    mine = ticket.requester_id == user.pk
    closed = ticket.status == Status.CLOSED
    evaluation = Evaluation.objects.filter(ticket=ticket).first()
    activities = ticket.activities.select_related("author").prefetch_related("attachments")
    return render(
        request,
        "helpdesk/ticket.html",
        {
            "ticket": ticket,
            "staff": staff,
            "mine": mine,
            "activities": activities,
            "loose_files": ticket.attachments.filter(activity__isnull=True),
            "forms": forms,
            "can_reply": staff or not closed,
            "can_close": mine and not closed,
            "can_evaluate": mine and closed and evaluation is None,
            "evaluation": evaluation,
            "evaluation_rows": _evaluation_rows(evaluation) if evaluation else [],
            "status_kind": Activity.Kind.STATUS,
        },
        status=status,
    )


def _evaluation_rows(evaluation: Evaluation) -> list[tuple[str, str]]:
    return [
        (question, getattr(evaluation, f"get_{name}_display")())
        for name, question in Evaluation.QUESTIONS.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def ticket(request, pk: int):
    ticket = _visible(request.user, pk)
    staff = services.handles(request.user, ticket)
    if request.method == "GET":
        return _ticket_page(request, ticket, _forms(ticket, staff))
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("That action is not known: use the buttons of the page."))
        return redirect("helpdesk:ticket", pk=ticket.pk)
    forms = _forms(ticket, staff, request.POST, request.FILES, action)
    try:
        done = ACTIONS[action](request, ticket, staff, forms)
    except services.NotVisible:
        raise Http404 from None
    except services.NotAllowed as refused:
        # Said at the top of the page, which shows the forms again with what was typed.
        messages.error(request, str(refused))
        done = None
    if done:
        messages.success(request, done)
        return redirect("helpdesk:ticket", pk=ticket.pk)
    # Shown again with what was typed; the ticket as it is now.
    return _ticket_page(request, _visible(request.user, pk), forms, status=400)


def _reply(request, ticket, staff: bool, forms: dict) -> str | None:
    form = forms["reply"]
    if not form.is_valid():
        return None
    data = form.cleaned_data
    message, files = data["message"].strip(), data["files"]
    if message or files:
        services.reply(ticket, request.user, message, status=data.get("status"), files=files)
    else:  # staff changing the status alone
        services.set_status(ticket, request.user, data["status"])
    return _("Your reply is added to the ticket.") if message or files else _("The status is changed.")


def _close(request, ticket, staff: bool, forms: dict) -> str:
    services.set_status(ticket, request.user, Status.CLOSED)
    return _("The ticket is closed. Please tell us how we served you, below.")


def _evaluate(request, ticket, staff: bool, forms: dict) -> str | None:
    form = forms["evaluation"]
    if not form.is_valid():
        return None
    services.evaluate(ticket, request.user, form.answers(), form.cleaned_data["comment"].strip())
    return _("Thank you: your evaluation is recorded.")


ACTIONS = {"reply": _reply, "close": _close, "evaluate": _evaluate}


@login_required
@require_GET
def attachment(request, pk: int, attachment_pk: int):
    """A ticket's file, to those who see the ticket; always as a download, never shown in the page."""
    ticket = _visible(request.user, pk)
    stored = ticket.attachments.filter(pk=attachment_pk).first()
    if stored is None:
        raise Http404
    try:
        content = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(content, as_attachment=True, filename=stored.name, content_type="application/pdf")
    # Identity documents: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# Reports ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def reports(request):
    scope = services.staff_scope(request.user)
    if scope is None:
        raise PermissionDenied
    period = ReportPeriodForm(request.GET or None)
    chosen = period.cleaned_data if period.is_valid() else {}
    report = services.report(scope, chosen.get("since"), chosen.get("until"))
    statuses, categories = dict(Status.choices), dict(Category.choices)
    questions = Evaluation.QUESTIONS
    return render(
        request,
        "helpdesk/reports.html",
        {
            "scope": scope,
            "period": period,
            "report": report,
            "by_status": [
                {**row, "label": statuses.get(row["status"], row["status"])} for row in report.by_status
            ],
            "by_category": [
                {**row, "label": categories.get(row["category"], row["category"])}
                for row in report.by_category
            ],
            "service_ratings": [(questions[f], report.ratings[f]) for f in Evaluation.SERVICE_FIELDS],
            "problem_ratings": [(questions[f], report.ratings[f]) for f in Evaluation.PROBLEM_FIELDS],
        },
    )


# Sign-up ----------------------------------------------------------------------------------------------


def _too_many() -> str:
    return _("Too many attempts. Wait an hour, then try again.")


def _confirm_url(token: str) -> str:
    return hub_url("helpdesk:signup_confirm", token)


@require_http_methods(["GET", "POST"])
def signup_view(request):
    """A helpdesk account for the public and a vendor's staff without a portal account."""
    if request.user.is_authenticated:
        return redirect("helpdesk:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.consume(request, action=SIGNUP_RATE_ACTION, key=data["email"].casefold()):
            form.add_error(None, _too_many())
        else:
            account = signup.sign_up(
                signup.SignUp(
                    user_id=data["user_id"],
                    name=data["name"],
                    email=data["email"],
                    password=data["password1"],
                ),
                _confirm_url,
            )
            if account is not None:
                request.session[_SIGNUP_SESSION] = data["email"]
                return redirect("helpdesk:signup_sent")
            form.add_error("user_id", taken_message())
    return render(
        request,
        "helpdesk/signup.html",
        {"form": form, **password_meter()},
        status=400 if form.errors else 200,
    )


@require_GET
def signup_sent(request):
    return render(
        request,
        "helpdesk/signup_sent.html",
        {"email": request.session.get(_SIGNUP_SESSION, ""), "hours": signup.LINK_HOURS},
    )


def _link_page(request, state: str, status: int, account=None):
    return render(
        request,
        "helpdesk/signup_confirm.html",
        {"state": state, "account": account, "hours": signup.LINK_HOURS},
        status=status,
    )


def _link_problem(request, problem: signup.LinkProblem):
    if isinstance(problem, signup.AlreadyConfirmed):
        return _link_page(request, "confirmed_before", 200, problem.account)
    if isinstance(problem, signup.LinkExpired):
        return _link_page(request, "expired", 410, problem.account)
    return _link_page(request, "unknown", 404)


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token: str):
    """The mailed link. Opening it asks for one click (so that a mail scanner opening it changes
    nothing); an expired link offers a new one."""
    try:
        if request.method == "GET":
            return _link_page(request, "confirm", 200, signup.read_link(token))
        if "new_link" in request.POST:
            account = signup.account_of_link(token)
            if not ratelimit.consume(request, action=SIGNUP_RATE_ACTION, key=account.user.email.casefold()):
                messages.error(request, _too_many())
                return _link_page(request, "expired", 429, account)
            signup.send_new_link(account, _confirm_url)
            request.session[_SIGNUP_SESSION] = account.user.email
            return redirect("helpdesk:signup_sent")
        return _link_page(request, "confirmed", 200, signup.confirm(token))
    except signup.LinkProblem as problem:
        return _link_problem(request, problem)
