import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from satupintu.core.webhooks import WebhookVerificationError, verify
from satupintu.portal.events import services


@csrf_exempt  # signed by the hub instead (Standard Webhooks); no browser ever posts here
@require_POST
def hook(request):
    if not settings.PORTAL_AGGREGATED or not settings.PORTAL_WEBHOOK_SECRET:
        raise Http404
    try:
        message_id = verify(settings.PORTAL_WEBHOOK_SECRET, request.headers, request.body, now=time.time())
    except WebhookVerificationError as exc:
        return JsonResponse({"error": str(exc)}, status=401)
    try:
        event = json.loads(request.body)
        type, data = str(event["type"]), event.get("data") or {}
        if not isinstance(data, dict):
            raise TypeError("data is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        return JsonResponse({"error": f"the body is not an event: {exc}"}, status=400)
    outcome = services.apply(message_id, type, data, source="push")
    return JsonResponse({"status": outcome.value})


def _staff(request):
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def status(request):
    _staff(request)
    return render(request, "events/status.html", {"status": services.status()})


@login_required
@require_POST
def pull(request):
    _staff(request)
    if not settings.PORTAL_AGGREGATED:
        raise Http404
    try:
        result = services.pull()
    except services.HubUnreachable as exc:
        messages.error(request, _("No events were pulled: %(reason)s. Try again later.") % {"reason": exc})
    else:
        messages.success(
            request,
            _("Events pulled: %(applied)d applied, %(duplicates)d already applied; cursor %(cursor)d.")
            % {"applied": result.applied, "duplicates": result.duplicates, "cursor": result.cursor},
        )
    return redirect("events:status")
