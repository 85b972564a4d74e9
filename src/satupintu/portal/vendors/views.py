from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from satupintu.portal.tenders.models import Registration
from satupintu.portal.vendors.models import Account


@login_required
def home(request):
    """The vendor's home (*beranda*): its identity, the activation banner while it is a local account of
    an aggregated portal, and its packages."""
    account = request.user
    if account.is_staff:
        return redirect("events:status")
    hub = settings.PORTAL_HUB
    context = {
        "account": account,
        "show_banner": settings.PORTAL_AGGREGATED and not account.signs_in_through_hub,
        "activation_url": f"{hub}/aktivasi/?"
        + urlencode({"portal": settings.PORTAL_CODE, "user_id": account.user_id}),
        "self_service_url": f"{hub}/akun/?" + urlencode({"portal": settings.PORTAL_CODE}),
        "through_hub": account.signs_in_through_hub,
        "registrations": Registration.objects.filter(vendor=account).select_related("package"),
    }
    return render(request, "vendors/home.html", context)


@login_required
def accounts(request):
    """The LPSE's list of vendor accounts here, with what the hub has said of each."""
    if not request.user.is_staff:
        raise PermissionDenied
    vendors = Account.objects.filter(is_staff=False).order_by("user_id")
    return render(request, "vendors/accounts.html", {"vendors": vendors})
