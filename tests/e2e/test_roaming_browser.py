"""Roaming in Chromium while a company's group is half activated: its User ID Tunggal (the single) is
activated at portal A, and portal B, which holds the group's unactivated member, refuses it until that
member activates with the Tunggal's password. (Roaming between two portals of an activated vendor is in
test_portal_browser.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from steps import activate_from_banner, at, identity_row, press_inaproc, sign_out_of_portal

from export_rows import CAHAYA, PT_CAHAYA, password_of
from satupintu.hub.vendors.models import PortalAccount, State

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# In each test's arguments the portals come before the page: the browser then closes first, and the
# portals, with no keep-alive connection left open, stop at once.


@HUB_DB
def test_roaming_is_refused_while_a_member_is_unactivated_then_allowed_once_it_is(start_portal, hub, page):
    a = start_portal("lkpp", accounts=[CAHAYA])
    b = start_portal("jakarta", accounts=[PT_CAHAYA])

    # The single activates at A and becomes the User ID Tunggal; the page names the member still waiting.
    activate_from_banner(page, a, hub.url, "CAHAYA", password_of(CAHAYA))
    expect(page.locator(".success")).to_contain_text("CAHAYA is now your User ID Tunggal")
    expect(page.locator("main li", has_text="PT_CAHAYA")).to_have_text(
        "PT_CAHAYA — LPSE Provinsi DKI Jakarta"
    )

    # At B, signed in at the hub already: refused, and told which account to activate.
    press_inaproc(page, b)
    page.wait_for_url(at(hub.url + "/identity/o/authorize"))
    expect(page.locator("h1")).to_have_text("Sign-in at the portal refused")
    expect(page.locator(".notice")).to_contain_text(
        "You cannot sign in at LPSE Provinsi DKI Jakarta yet: your company's account PT_CAHAYA there is "
        "not activated."
    )

    # The member activates at B, with the password of the User ID Tunggal.
    activate_from_banner(page, b, hub.url, "PT_CAHAYA", password_of(PT_CAHAYA))
    page.wait_for_url(hub.url + "/aktivasi/non-aktif/")
    page.fill("#id_password", password_of(CAHAYA))
    page.get_by_role("button", name="Link and activate").click()
    expect(page.locator("h1")).to_have_text("Account linked to your User ID Tunggal")
    assert PortalAccount.objects.get(portal__code="jakarta", user_id="PT_CAHAYA").state == State.LINKED

    # The same button at B now signs the vendor in, without a second password, into the member's
    # account there (B learns of the link by pulling the hub's events: none has been pushed).
    sign_out_of_portal(page, b)
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    press_inaproc(page, b)
    page.wait_for_url(b.url + "/beranda/")
    assert not [url for url in visited if "/accounts/login/" in url], visited
    expect(page.locator(".messages")).to_contain_text("Signed in through INAPROC as CAHAYA")
    assert identity_row(page, "User ID") == "PT_CAHAYA"
    assert identity_row(page, "User ID Tunggal") == "CAHAYA"
    assert page.locator("#activation-link").count() == 0
