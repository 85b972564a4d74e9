"""The review queue's pages. Each view checks who may act, reads the form, calls one service and shows
the account's live standing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satupintu.aggregation.engine import Finding, Role
from satupintu.core import regions
from satupintu.hub.activation.services import Outcome
from satupintu.hub.paging import page_of
from satupintu.hub.review import forms, services

# What each finding means for the LPSE, and what resolves it.
FINDING_TEXT = {
    Finding.NPWP_INVALID: lambda: _("The NPWP is missing or invalid: correct the NPWP."),
    Finding.REGION_INVALID: lambda: _(
        "The province or regency/city is empty, unknown or ambiguous: correct the region."
    ),
    Finding.ADDRESS_MISSING: lambda: _(
        "The address names no street or place: confirm the merge if the proposed group is this vendor, "
        "or have the vendor correct the address at the portal."
    ),
    Finding.ADDRESS_UNCERTAIN: lambda: _(
        "Accounts with the same NPWP have addresses that may or may not be the same place: confirm the "
        "merge if they are one vendor, or confirm they are different vendors."
    ),
    Finding.USER_ID_COLLISION: lambda: _(
        "Another vendor uses the same user ID: the vendor chooses a new one while activating."
    ),
    Finding.BRANCH_SAME_NPWP: lambda: _("Other places (branches) share this NPWP."),
    Finding.EMAIL_SHARED: lambda: _("An account of another NPWP uses the same email."),
    Finding.POSTAL_CODE_MISMATCH: lambda: _("The postal code is not used in the regency (informative)."),
}
ROLE_TEXT = {
    Role.SINGLE: lambda: _("User ID Tunggal of its group"),
    Role.MEMBER: lambda: _("member of a group"),
    Role.REVIEW: lambda: _("waiting for review"),
}


def outcome_text(result) -> str:
    """What the vendor meets when it activates now."""
    if result.outcome is Outcome.REVIEW:
        return _("Still waits for review: see the reasons below.")
    if result.outcome is Outcome.MEMBER:
        return _(
            "The vendor can activate now: at activation it enters the password of the User ID Tunggal "
            "%(tunggal)s (%(portal)s)."
        ) % {"tunggal": result.standing.tunggal.user_id, "portal": result.standing.tunggal.portal.name}
    if result.outcome is Outcome.NEEDS_NEW_USER_ID:
        return _("The vendor can activate now, after choosing a new user ID (another vendor uses this one).")
    if result.outcome is Outcome.ALREADY_ACTIVE:
        return _("The account is already activated.")
    return _("The vendor can activate now: the account becomes the User ID Tunggal.")


def _scope(request) -> services.Scope:
    scope = services.scope_of(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _account(scope, pk):
    try:
        return services.account_in_scope(scope, pk)
    except services.NotInScope:
        raise Http404 from None


@login_required
@require_GET
def queue(request):
    scope = _scope(request)
    filters = forms.QueueFilterForm(request.GET or None)
    if scope.portal is not None:
        del filters.fields["portal"]
    values = filters.cleaned_data if filters.is_valid() else {}
    portal = values.get("portal")
    accounts = services.queue(
        scope,
        text=values.get("q", ""),
        finding=values.get("finding", ""),
        portal=portal.code if portal else "",
    )
    page, query = page_of(request, accounts, services.PAGE_SIZE)
    return render(
        request,
        "review/queue.html",
        {"scope": scope, "filters": filters, "page": page, "query": query},
    )


FORMS = {
    "region": forms.RegionForm,
    "npwp": forms.NpwpForm,
    "different": forms.DifferentForm,
    "split": forms.SplitForm,
    "merge": forms.MergeForm,
}


def _form(action, case=None, data=None):
    """The action's form; the forms that name accounts offer those of the case."""
    if action == "different":
        return forms.DifferentForm(data, accounts=case.others)
    if action == "merge":
        return forms.MergeForm(data, accounts=case.merge_candidates)
    return FORMS[action](data)


def _forms(case) -> dict:
    account = case.account
    # Start from what can be read of the region as written ("DKI Jakarta" is listed under its full name).
    region = regions.resolve(account.province, account.regency)
    return {
        "region": forms.RegionForm(
            initial={
                "province": region.province.name if region.province else "",
                "regency": region.regency.name if region.regency else "",
            }
        ),
        "npwp": forms.NpwpForm(initial={"npwp": account.npwp}),
        **{action: _form(action, case) for action in ("different", "split", "merge")},
    }


def _detail(request, case, built, status=200):
    findings = [(f.value, FINDING_TEXT[f]()) for f in case.standing.findings]
    return render(
        request,
        "review/detail.html",
        {
            "case": case,
            "account": case.account,
            "outcome": outcome_text(case),
            "role": ROLE_TEXT[case.standing.role](),
            "findings": findings,
            "concerned": [(c, ROLE_TEXT[c.role]()) for c in case.concerned],
            "forms": built,
            "decisions": services.decisions_on(case.account),
        },
        status=status,
    )


@login_required
@require_GET
def detail(request, pk: int):
    case = services.case_of(_account(_scope(request), pk))
    return _detail(request, case, _forms(case))


def _run(action, scope, account, data, user):
    if action == "region":
        return services.correct_region(scope, account, data["province"], data["regency"], actor=user)
    if action == "npwp":
        return services.correct_npwp(scope, account, data["npwp"], actor=user)
    if action == "different":
        return services.confirm_different(scope, account, data["other"], data["reason"], actor=user)
    if action == "split":
        return services.split(scope, account, data["reason"], actor=user)
    return services.confirm_merge(scope, account, data["others"], data["reason"], actor=user)


DONE = {
    "region": lambda: _("The region is corrected."),
    "npwp": lambda: _("The NPWP is corrected."),
    "different": lambda: _("Recorded: the accounts are different vendors."),
    "split": lambda: _("Recorded: the account is taken out of its group."),
    "merge": lambda: _("Recorded: the accounts are one vendor."),
}


@login_required
@require_POST
def act(request, pk: int, action: str):
    if action not in DONE:
        raise Http404
    scope = _scope(request)
    account = _account(scope, pk)
    # The case is built here only where the form offers its accounts, or to show the page again: the
    # service reads it again under its lock.
    case = services.case_of(account) if action in ("different", "merge") else None
    form = _form(action, case, request.POST)
    if form.is_valid():
        try:
            result = _run(action, scope, account, form.cleaned_data, request.user)
        except services.NotInScope:
            raise Http404 from None
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{DONE[action]()} {outcome_text(result)}")
            return redirect("review:detail", pk=account.pk)
    case = case or services.case_of(account)
    return _detail(request, case, {**_forms(case), action: form}, status=400)
