"""End-to-end fixtures: the hub on a real socket (pytest-django's live server, in this process, so tests
may use the hub's ORM and services), reference portals as `satupintu portal` subprocesses on their own
ports, and Chromium driven by Playwright.

Tests that use the hub must be marked ``@pytest.mark.django_db(transaction=True,
serialized_rollback=True)`` (the live server needs committed data, and a migration seeds the registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from servers import RunningPortal, closed_url, free_port

import chromium
from export_rows import write_export
from satupintu.core import webhooks


@dataclass(frozen=True)
class Hub:
    """The hub as the portals see it: ``url`` is its issuer (no trailing slash)."""

    url: str

    def deliver(self):
        """Push the pending events to the portals' webhooks now (one pass of the delivery worker)."""
        from satupintu.hub.events.delivery import deliver_due

        return deliver_due()


@pytest.fixture
def hub(live_server, settings) -> Hub:
    settings.SATUPINTU_ISSUER = live_server.url
    return Hub(live_server.url)


@pytest.fixture
def running_portals():
    """The portals a test starts; each is stopped after the test."""
    running: list[RunningPortal] = []
    yield running
    for portal in running:
        portal.stop()


@pytest.fixture
def launch_portal(tmp_path: Path, running_portals: list[RunningPortal]):
    """``launch_portal(code, *, hub_url=None, accounts=(), aggregated=True, name="", client_id="",
    client_secret="", webhook_secret=None)`` starts a portal process and returns its `RunningPortal` once
    it answers. Without ``hub_url`` the portal's hub is a closed port (a hub that is down).
    ``webhook_secret=None`` makes a new one for an aggregated portal."""

    def launch(
        code: str,
        *,
        hub_url: str | None = None,
        accounts=(),
        aggregated: bool = True,
        name: str = "",
        client_id: str = "",
        client_secret: str = "",
        webhook_secret: str | None = None,
    ) -> RunningPortal:
        if webhook_secret is None:
            webhook_secret = webhooks.new_secret() if aggregated else ""
        portal = RunningPortal(
            code=code,
            port=free_port(),
            data_dir=tmp_path / f"portal-{code}",
            hub_url=hub_url or closed_url(),
            aggregated=aggregated,
            name=name,
            client_id=client_id,
            client_secret=client_secret,
            webhook_secret=webhook_secret,
            accounts=list(accounts),
        )
        running_portals.append(portal)
        return portal.start()

    return launch


@pytest.fixture
def start_portal(hub: Hub, tmp_path: Path, running_portals: list[RunningPortal]):
    """``start_portal(code, *, accounts=(), aggregated=None, name="", import_to_hub=True,
    subscribe=True)`` starts the portal ``code`` of the hub's registry as the hub knows it: its
    ``accounts`` (export rows; password `export_rows.password_of`) imported at the hub and loaded at the
    portal, an OpenID Connect client at the hub whose redirect URI is the portal's callback, and a
    webhook subscription to the portal's hook. ``aggregated`` defaults to the registry's."""
    from satupintu.hub.events.services import set_subscription
    from satupintu.hub.portals.models import Portal
    from satupintu.hub.sso.services import create_client
    from satupintu.hub.vendors.services import import_accounts

    def start(
        code: str,
        *,
        accounts=(),
        aggregated: bool | None = None,
        name: str = "",
        import_to_hub: bool = True,
        subscribe: bool = True,
    ) -> RunningPortal:
        registered = Portal.objects.get(code=code)
        if aggregated is None:
            aggregated = registered.aggregation_active
        if accounts and import_to_hub:
            summary = import_accounts(code, write_export(accounts, tmp_path / f"hub-{code}.csv"))
            assert not summary.rejections, summary.rejections
        portal = RunningPortal(
            code=code,
            port=free_port(),
            data_dir=tmp_path / f"portal-{code}",
            hub_url=hub.url,
            aggregated=aggregated,
            name=name or registered.name,
            accounts=list(accounts),
        )
        if aggregated:
            portal.client_id, portal.client_secret = create_client(code, portal.callback_url)
            if subscribe:
                portal.webhook_secret = set_subscription(code, portal.hook_url)[1]
        running_portals.append(portal)
        return portal.start()

    return start


@pytest.fixture
def browser(monkeypatch):
    """Chromium, started for each test. Not once per session: while Playwright's loop runs, pytest-django
    cannot restore the hub's seeded registry at the start of the next test (the registry comes back
    empty), so the browser must start after the database is ready and stop before it is flushed."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the main thread; the ORM calls that a browser test
    # makes next to it are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps the ORM connections the test opened apart from the
        # thread's own (as it does for async code), and pytest-django never closes them: close them
        # here, or on PostgreSQL they outlive the run and the test database cannot be dropped.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(browser):
    """A fresh browser (its own cookies) asking for English pages; one tab."""
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
