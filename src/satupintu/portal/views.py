"""The public home page, and the error pages: no stack trace nor framework page ever reaches a user."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from satupintu.portal.tenders import services as tenders


def home(request):
    return render(request, "portal/home.html", {"packages": tenders.packages()})


def _error(template: str, status: int):
    @requires_csrf_token
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error("400.html", 400)
forbidden = _error("403.html", 403)
not_found = _error("404.html", 404)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    # Rendered without the request's context: whatever failed must not fail again here.
    return render(None, "500.html", status=500)
