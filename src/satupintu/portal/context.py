"""What every page of the portal needs to know about the portal itself."""

from django.conf import settings


def portal(request) -> dict:
    return {
        "portal_code": settings.PORTAL_CODE,
        "portal_name": settings.PORTAL_NAME,
        "aggregated": settings.PORTAL_AGGREGATED,
    }
