"""The reference portal with the real hub, over HTTP without a browser: the OpenID Connect sign-in, the
events pulled at start and pushed by the hub's delivery worker."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from servers import sign_in_locally
from test_portal_receiver import SINAR

from export_rows import password_of
from satupintu.hub.activation import services as activation
from satupintu.hub.vendors.models import PortalAccount

HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def activate(portal_code: str, row: dict) -> None:
    account = PortalAccount.objects.get(portal__code=portal_code, user_id=row["user_id"])
    assert activation.activate(account, password_of(row)).outcome is activation.Outcome.ACTIVATED


def csrf(session: requests.Session, text: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


def roam(session: requests.Session, portal, hub_url: str, user_id: str, password: str) -> requests.Response:
    """Press "Masuk dengan INAPROC" at ``portal``, sign in at the hub if it asks, and follow the redirects
    back to the portal."""
    home = session.get(portal.url + "/", timeout=10)
    response = session.post(
        portal.url + "/masuk/inaproc/",
        data={"csrfmiddlewaretoken": csrf(session, home.text)},
        headers={"Referer": portal.url + "/"},
        timeout=30,
    )
    if response.url.startswith(hub_url + "/accounts/login/"):
        response = session.post(
            response.url,
            data={
                "login": user_id,
                "password": password,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": response.url},
            timeout=30,
        )
    return response


@HUB_DB
def test_an_activated_vendor_roams_in_and_lands_in_its_own_account(start_portal, hub):
    portal = start_portal("lkpp", accounts=[SINAR], subscribe=False)
    activate("lkpp", SINAR)
    with requests.Session() as session:
        session.headers["Accept-Language"] = "en"
        landed = roam(session, portal, hub.url, "SINAR", password_of(SINAR))
        assert landed.url == portal.url + "/beranda/", landed.text
        assert "Signed in through INAPROC as SINAR" in landed.text
        assert 'id="activation-link"' not in landed.text
        # The local account it landed in is SINAR's own (its packages, its qualification data).
        row = re.search(r"<th>User ID</th><td>(.*?)</td>", landed.text).group(1)
        assert row == "SINAR"


@HUB_DB
def test_a_portal_started_after_the_activation_pulls_the_event(start_portal, hub):
    # The hub activates the account while its portal is not running, and pushes nothing (no webhook).
    portal = start_portal("lkpp", accounts=[SINAR], subscribe=False)
    portal.stop()
    activate("lkpp", SINAR)
    portal.start()  # pulls on start: account.activated, and the new identity (vendor.updated)
    assert "events pulled: 2 applied" in portal.output()
    browser, response = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        assert "Account SINAR has been activated" in response.text


@HUB_DB
def test_pushed_events_reach_the_portals_hook(start_portal, hub):
    portal = start_portal("lkpp", accounts=[SINAR])
    activate("lkpp", SINAR)
    hub.deliver()
    browser, response = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        assert "Account SINAR has been activated" in response.text


@HUB_DB
def test_an_error_sent_back_by_the_hub_is_a_clear_page(start_portal, hub):
    portal = start_portal("lkpp", accounts=[SINAR])
    callback = urljoin(portal.url, "/masuk/inaproc/callback")
    with requests.Session() as session:
        session.headers["Accept-Language"] = "en"
        home = session.get(portal.url + "/", timeout=10)
        started = session.post(
            portal.url + "/masuk/inaproc/",
            data={"csrfmiddlewaretoken": csrf(session, home.text)},
            headers={"Referer": portal.url + "/"},
            allow_redirects=False,
            timeout=10,
        )
        state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
        error = "error=access_denied&error_description=Call+0800+to+unlock"
        response = session.get(f"{callback}?{error}&state={state}", timeout=10)
        # An error for no sign-in of this browser, e.g. from a link someone sent, is not shown at all.
        forged = session.get(f"{callback}?{error}&state=forged", timeout=10)
    notice = notice_of(response.text)
    assert response.status_code == 403
    assert "INAPROC did not sign you in" in notice and "access_denied" in notice and "0800" not in notice
    assert forged.status_code == 400 and "has expired" in notice_of(forged.text)
    assert "0800" not in notice_of(forged.text)


def notice_of(page: str) -> str:
    """The text the page shows about the failure (the language form repeats the request's address)."""
    return re.search(r'<div class="notice" role="alert".*?</div>', page, re.S).group(0)
