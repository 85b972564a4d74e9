from django.shortcuts import render

from satupintu.hub.registration import documents
from satupintu.hub.registration.services import pending_registration
from satupintu.hub.vendors.models import PortalAccount
from satupintu.hub.verification.services import online_ticket


def home(request):
    """The hub's front page; for a signed-in vendor, its User ID Tunggal and the accounts behind it."""
    accounts, registration = [], None
    if request.user.is_authenticated:
        accounts = PortalAccount.objects.filter(identity=request.user).select_related("portal")
        registration = pending_registration(request.user)
    context = {"accounts": accounts, "registration": registration}
    if registration is not None:
        context["required"] = documents.required_documents(registration.legal_form)
        context["ticket"] = online_ticket(registration)
    return render(request, "home.html", context)
