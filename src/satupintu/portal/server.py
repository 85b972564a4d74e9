"""Running one portal: its settings from the command's options, its database made ready (migrations,
accounts from an SPSE export, its own packages and administrator), the hub's missed events pulled, then
served by gunicorn's threaded worker until Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SETTINGS = "satupintu.portal.settings"


@dataclass(frozen=True)
class PortalOptions:
    code: str
    name: str = ""
    hub: str = ""
    aggregated: bool = True
    client_id: str = ""
    client_secret: str = ""
    webhook_secret: str = ""
    admin_password: str = ""


def configure(options: PortalOptions) -> None:
    """Put the options where the portal's settings read them, and load Django with those settings. The
    settings module is set outright: a hub's DJANGO_SETTINGS_MODULE inherited from a parent process (a
    test run, say) must not win."""
    values = {
        "SATUPINTU_PORTAL_CODE": options.code,
        "SATUPINTU_PORTAL_NAME": options.name,
        "SATUPINTU_PORTAL_HUB": options.hub,
        "SATUPINTU_PORTAL_AGGREGATED": "1" if options.aggregated else "0",
        "SATUPINTU_PORTAL_CLIENT_ID": options.client_id,
        "SATUPINTU_PORTAL_CLIENT_SECRET": options.client_secret,
        "SATUPINTU_PORTAL_WEBHOOK_SECRET": options.webhook_secret,
        "SATUPINTU_PORTAL_ADMIN_PASSWORD": options.admin_password,
    }
    for name, value in values.items():
        if value:
            os.environ[name] = value
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


@dataclass(frozen=True)
class Prepared:
    admin_user_id: str
    admin_password: str  # empty when the administrator existed and no password was given
    accounts_created: int
    accounts_kept: int
    rejections: list
    pulled: str


def prepare(accounts: Path | None, admin_password: str = "") -> Prepared:
    """``admin_password`` defaults to the settings' (``SATUPINTU_PORTAL_ADMIN_PASSWORD``). Exits with a
    message when this portal's administrator user ID is a vendor's account here."""
    from django.conf import settings
    from django.core.management import call_command

    from satupintu.portal.events import services as events
    from satupintu.portal.tenders.services import ensure_samples
    from satupintu.portal.vendors import services as vendors

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    created = kept = 0
    rejections: list = []
    if accounts is not None:
        summary = vendors.import_accounts(accounts)
        created, kept, rejections = summary.created, summary.kept, summary.rejections
    ensure_samples(settings.PORTAL_CODE, settings.PORTAL_NAME)
    admin_user_id = f"admin_{settings.PORTAL_CODE}"
    try:
        admin_password = vendors.ensure_staff(admin_user_id, admin_password or settings.PORTAL_ADMIN_PASSWORD)
    except vendors.NotStaff as exc:
        raise SystemExit(str(exc)) from None
    pulled = ""
    if settings.PORTAL_AGGREGATED and settings.PORTAL_CLIENT_ID:
        try:
            result = events.pull()
        except events.HubUnreachable as exc:
            pulled = f"events not pulled: {exc}"
        else:
            pulled = f"events pulled: {result.applied} applied, cursor {result.cursor}"
    return Prepared(admin_user_id, admin_password, created, kept, rejections, pulled)


def serve(port: int, threads: int = 8) -> None:
    """Serve until Ctrl-C or SIGTERM. One worker process (SQLite has one writer at a time), with threads."""
    from django.conf import settings

    from satupintu.serving import serve as serve_wsgi

    name = f"satupintu-portal-{settings.PORTAL_CODE}"
    serve_wsgi("satupintu.portal.wsgi:application", port, name=name, threads=threads)
