"""The verifier's queue and decisions, and the registrant's request for online verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satupintu.hub.helpdesk.services import NotAllowed
from satupintu.hub.paging import page_of
from satupintu.hub.registration import documents
from satupintu.hub.registration.models import Registration
from satupintu.hub.registration.services import pending_registration
from satupintu.hub.verification import forms, services


def _scope(request):
    scope = services.scope_of(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _registration(scope, pk: int) -> Registration:
    try:
        return services.registration_in_scope(scope, pk)
    except services.NotInScope:
        raise Http404 from None


@login_required
@require_GET
def queue(request):
    scope = _scope(request)
    filters = forms.QueueFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    registrations = services.queue(
        scope, state=values.get("state") or Registration.State.SUBMITTED, text=values.get("q", "")
    )
    page, query = page_of(request, registrations, services.PAGE_SIZE)
    return render(
        request,
        "verification/queue.html",
        {"scope": scope, "filters": filters, "page": page, "query": query},
    )


def _detail(request, registration: Registration, status: int = 200, **bound):
    built = {
        "approve": forms.ApproveForm(registration=registration),
        "reject": forms.RejectForm(),
        "schedule": forms.ScheduleForm(
            initial={"how": registration.video_call_note, "when": registration.video_call_at}
        ),
        **bound,
    }
    return render(
        request,
        "verification/detail.html",
        {
            "registration": registration,
            "ticket": services.online_ticket(registration),
            "required": documents.required_documents(registration.legal_form),
            "helpful": documents.helpful_documents(registration.legal_form),
            "check": services.duplicate_check(registration),
            "forms": built,
        },
        status=status,
    )


@login_required
@require_GET
def detail(request, pk: int):
    return _detail(request, _registration(_scope(request), pk))


def _act(request, pk: int, form_class, name: str, run, done: str):
    """Read the form of one action, run it, and come back to the registration with what happened."""
    registration = _registration(_scope(request), pk)
    kwargs = {"registration": registration} if form_class is forms.ApproveForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            run(registration, form.cleaned_data)
        except (services.VerificationRefused, NotAllowed) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done)
            return redirect("verification:detail", pk=registration.pk)
    return _detail(request, registration, status=400, **{name: form})


@login_required
@require_POST
def schedule(request, pk: int):
    return _act(
        request,
        pk,
        forms.ScheduleForm,
        "schedule",
        lambda r, data: services.schedule_call(r, request.user, data["when"], data["how"]),
        _("The video call is scheduled; the vendor has been told."),
    )


@login_required
@require_POST
def approve(request, pk: int):
    return _act(
        request,
        pk,
        forms.ApproveForm,
        "approve",
        lambda r, data: services.approve(
            r, request.user, method=data["method"], originals_seen=data["originals"], note=data["note"]
        ),
        _("The registration is approved: the vendor can sign in and roam now, and has been told."),
    )


@login_required
@require_POST
def reject(request, pk: int):
    return _act(
        request,
        pk,
        forms.RejectForm,
        "reject",
        lambda r, data: services.reject(r, request.user, reason=data["reason"]),
        _("The registration is rejected; the vendor has been told why."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def online(request):
    """The registrant asks for online verification: its documents as PDF scans, in a helpdesk ticket."""
    registration = pending_registration(request.user)
    if registration is None:
        messages.info(request, _("You have no registration waiting for verification."))
        return redirect("home")
    ticket = services.online_ticket(registration)
    if ticket is not None and ticket.status != "closed":
        return redirect("helpdesk:ticket", pk=ticket.pk)
    initial = {
        "description": _(
            "Request for registration and verification of the documents of %(name)s. WhatsApp number of "
            "the director or owner for the video call: %(phone)s"
        )
        % {"name": registration.name, "phone": registration.phone}
    }
    form = forms.OnlineVerificationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.start_online(
                registration, form.cleaned_data["description"], form.cleaned_data["files"]
            )
        except services.VerificationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _(
                    "Your ticket %(number)s is open: the helpdesk checks the documents and schedules the video call."
                )
                % {"number": ticket.number},
            )
            return redirect("helpdesk:ticket", pk=ticket.pk)
    return render(
        request,
        "verification/online.html",
        {
            "form": form,
            "registration": registration,
            "required": documents.required_documents(registration.legal_form),
        },
        status=400 if form.errors else 200,
    )
