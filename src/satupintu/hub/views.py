from django.shortcuts import render

from satupintu.hub.vendors.models import PortalAccount


def home(request):
    """The hub's front page; for a signed-in vendor, its User ID Tunggal and the accounts behind it."""
    accounts = []
    if request.user.is_authenticated:
        accounts = PortalAccount.objects.filter(identity=request.user).select_related("portal")
    return render(request, "home.html", {"accounts": accounts})
