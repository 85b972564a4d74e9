from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satupintu.portal.tenders import services
from satupintu.portal.tenders.models import Package


def detail(request, code: str):
    package = get_object_or_404(services.packages(), code=code)
    return render(
        request,
        "tenders/detail.html",
        {
            "package": package,
            "registered": services.is_registered(request.user, package),
        },
    )


@login_required
@require_POST
def register(request, code: str):
    package = get_object_or_404(Package, code=code)
    outcome = services.register(request.user, package)
    if outcome is services.Registered.REGISTERED:
        messages.success(request, _("You are registered for package %(code)s.") % {"code": package.code})
    elif outcome is services.Registered.ALREADY:
        messages.error(
            request,
            _("You are already registered for package %(code)s: a vendor registers once per package.")
            % {"code": package.code},
        )
    elif outcome is services.Registered.CLOSED:
        messages.error(request, _("Registration for package %(code)s is closed.") % {"code": package.code})
    else:
        messages.error(request, _("Only vendors register for packages; staff accounts cannot."))
    return redirect("tenders:detail", code=package.code)
