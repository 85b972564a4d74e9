"""The registration pages: stage 1 (email and security code), the mailed link, stage 2 (NPWP, then the
vendor's data) and the end. The link's registration is carried in the session between the pages."""

from __future__ import annotations

from allauth.core import ratelimit
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satupintu.hub.accounts.validators import password_meter
from satupintu.hub.links import hub_url
from satupintu.hub.registration import documents, kswp, services
from satupintu.hub.registration.forms import DetailsForm, EmailForm, NpwpForm
from satupintu.hub.registration.models import Registration, RegistrationLink, TaxStatus

_SESSION = "registration"


def _too_many() -> str:
    return _("Too many attempts. Wait an hour, then try again.")


@require_http_methods(["GET", "POST"])
def start(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip()
        if not ratelimit.consume(request, action="registration_link", key=email.casefold()):
            form.add_error(None, _too_many())
        else:
            services.send_link(
                email,
                lambda token: hub_url("registration:confirm", token),
            )
            request.session[_SESSION] = {"sent_to": email}
            return redirect("registration:sent")
    return render(request, "registration/start.html", {"form": form})


def sent(request):
    email = request.session.get(_SESSION, {}).get("sent_to", "")
    return render(request, "registration/sent.html", {"email": email, "hours": services.LINK_HOURS})


def confirm(request, token: str):
    try:
        link = services.open_link(token)
    except services.LinkProblem as problem:
        return _link_problem(request, problem)
    request.session[_SESSION] = {"link": link.pk}
    return redirect("registration:npwp")


def _link_problem(request, problem: services.LinkProblem):
    if isinstance(problem, services.LinkUsed):
        kind, status = "used", 410
    elif isinstance(problem, services.LinkExpired):
        kind, status = "expired", 410
    else:
        kind, status = "unknown", 404
    return render(
        request, "registration/link_problem.html", {"kind": kind, "hours": services.LINK_HOURS}, status=status
    )


def _open_link(request) -> RegistrationLink | services.LinkProblem:
    """The link this session is registering with, or why it can no longer be used."""
    try:
        return services.link_in_progress(request.session.get(_SESSION, {}).get("link"))
    except services.LinkProblem as problem:
        return problem


@require_http_methods(["GET", "POST"])
def npwp(request):
    link = _open_link(request)
    if isinstance(link, services.LinkProblem):
        return _link_problem(request, link)
    state = request.session[_SESSION]
    form = NpwpForm(request.POST or None, initial=state.get("npwp_step"))

    def page(status: int = 200):
        return render(request, "registration/npwp.html", {"form": form, "email": link.email}, status=status)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.consume(request, action="registration_npwp", key=f"link:{link.pk}"):
            form.add_error(None, _too_many())
            return page()
        try:
            answer = kswp.service().check(data["npwp"])
        except OSError:
            form.add_error(
                None,
                _(
                    "The tax-status check (KSWP) cannot be reached at the moment: this is a network "
                    "problem, not a problem with your NPWP. Try again in a few minutes."
                ),
            )
            return page(status=503)
        if answer.status == TaxStatus.INVALID:
            form.add_error(
                "npwp",
                _(
                    "NPWP: the tax-status check (KSWP) says this taxpayer's status is not valid. Settle it "
                    "with your tax office (KPP) first, then register."
                ),
            )
        else:
            known = services.known_head_office(data["npwp"], data["office_status"])
            if known:
                return _duplicate(request, known)
            state["npwp_step"] = {**data, "tax_status": answer.status.value}
            request.session.modified = True
            return redirect("registration:details")
    return page()


def _duplicate(request, known: services.KnownAt):
    return render(request, "registration/duplicate.html", {"known": known}, status=409)


@require_http_methods(["GET", "POST"])
def details(request):
    link = _open_link(request)
    if isinstance(link, services.LinkProblem):
        return _link_problem(request, link)
    state = request.session[_SESSION]
    step = state.get("npwp_step")
    if not step:
        return redirect("registration:npwp")
    form = DetailsForm(request.POST or None, email=link.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = services.Application(
            email=link.email,
            legal_form=step["legal_form"],
            office_status=step["office_status"],
            npwp_canonical=step["npwp"],
            tax_status=step["tax_status"],
            user_id=data["user_id"],
            password=data["password1"],
            verifying_portal=data["verifying_portal"],
            identity=form.identity_data(),
        )
        try:
            submitted = services.submit(link, application)
        except services.LinkUsed as used:
            return _link_problem(request, used)
        if submitted.duplicate_of:
            return _duplicate(request, submitted.duplicate_of)
        if submitted.user_id_taken:
            form.add_error("user_id", _("User ID: this one is already taken. Choose another."))
        else:
            request.session[_SESSION] = {"done": submitted.registration.pk}
            return redirect("registration:done")
    return render(
        request,
        "registration/details.html",
        {
            "form": form,
            "email": link.email,
            "legal_form": documents.LegalForm(step["legal_form"]).label,
            "required": documents.required_documents(step["legal_form"]),
            "tax_unknown": step["tax_status"] == TaxStatus.UNKNOWN,
            **password_meter(),
        },
    )


def done(request):
    pk = request.session.get(_SESSION, {}).get("done")
    registration = (
        Registration.objects.select_related("verifying_portal").filter(pk=pk).first() if pk else None
    )
    if registration is None:
        return redirect("registration:start")
    return render(
        request,
        "registration/done.html",
        {
            "registration": registration,
            "required": documents.required_documents(registration.legal_form),
            "helpful": documents.helpful_documents(registration.legal_form),
        },
    )
