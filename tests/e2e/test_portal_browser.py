"""A vendor at the reference portals, in Chromium: local sign-in, packages, qualification data, roaming
between two portals through the hub, and a hub that is down. (The activation banner is followed in
test_activation_browser; a portal without aggregation is in test_portal_receiver.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from steps import at, open_vendor_home, press_inaproc, sign_in_at_hub, sign_in_locally
from test_portal_receiver import SINAR

from export_rows import password_of

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# In each test's arguments the portals come before the page: the browser then closes first, and the
# portals, with no keep-alive connection left open, stop at once.


def test_local_sign_in_and_registering_for_a_package_once(launch_portal, page):
    portal = launch_portal("lkpp", accounts=[SINAR], name="LPSE LKPP")
    page.goto(portal.url + "/")
    expect(page.locator("h1")).to_have_text("LPSE LKPP")
    open_vendor_home(page, portal, "sinar", password_of(SINAR))
    expect(page.locator("h1")).to_have_text("CV Sinar Abadi")

    page.goto(portal.url + "/")
    page.locator("td a").first.click()
    page.wait_for_url(at(portal.url + "/paket/"))
    expect(page.locator("#participants")).to_have_text("0")
    # A second tab with the same form open: the vendor registers in one, then tries again in the other.
    other = page.context.new_page()
    other.goto(page.url)
    page.get_by_role("button", name="Register for this package").click()
    expect(page.locator(".messages")).to_contain_text("You are registered for package")
    expect(page.locator("#participants")).to_have_text("1")
    other.get_by_role("button", name="Register for this package").click()
    expect(other.locator(".messages")).to_contain_text("already registered")
    expect(other.locator("#participants")).to_have_text("1")


def test_qualification_data_is_validated_by_field_and_kept_for_its_owner(launch_portal, page):
    other_vendor = {**SINAR, "user_id": "OTHER", "npwp": "03.555.120.9-011.000"}
    portal = launch_portal("lkpp", accounts=[SINAR, other_vendor])
    open_vendor_home(page, portal, "SINAR", password_of(SINAR))
    page.goto(portal.url + "/kualifikasi/izin-usaha/tambah/")
    page.get_by_role("button", name="Save").click()
    missing = page.locator(
        ".errorlist li", has_text="Licence number: enter the number printed on the licence."
    )
    expect(missing).to_have_count(1)
    page.select_option("#id_kind", "nib")
    page.fill("#id_number", "9120001234567")
    page.fill("#id_issuer", "OSS RBA")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(portal.url + "/kualifikasi/")
    expect(page.locator("#izin-usaha")).to_contain_text("9120001234567")
    edit_url = page.locator("#izin-usaha a", has_text="Edit").get_attribute("href")

    # Another vendor neither sees it nor reaches it.
    page.context.clear_cookies()
    open_vendor_home(page, portal, "OTHER", password_of(other_vendor))
    page.goto(portal.url + "/kualifikasi/")
    expect(page.locator("main")).not_to_contain_text("9120001234567")
    response = page.goto(portal.url + edit_url)
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("Page not found")


@HUB_DB
def test_roaming_from_portal_a_to_portal_b_without_a_second_password(start_portal, hub, page):
    from satupintu.hub.activation import services as activation
    from satupintu.hub.vendors.models import PortalAccount

    a = start_portal("lkpp", accounts=[SINAR])
    b = start_portal("depkes")
    account = PortalAccount.objects.get(portal__code="lkpp", user_id="SINAR")
    assert activation.activate(account, password_of(SINAR)).outcome is activation.Outcome.ACTIVATED
    hub.deliver()  # the account.activated event reaches portal A's hook

    # Portal A has heard: its local sign-in now sends the vendor to INAPROC.
    sign_in_locally(page, a, "SINAR", password_of(SINAR))
    expect(page.locator("[role=alert]")).to_contain_text("Account SINAR has been activated")

    press_inaproc(page, a)
    page.wait_for_url(at(hub.url + "/accounts/login/"))
    sign_in_at_hub(page, "SINAR", password_of(SINAR))
    page.wait_for_url(a.url + "/beranda/")
    expect(page.locator(".identity")).to_contain_text("SINAR")
    expect(page.locator("#activation-link")).to_have_count(0)

    # At portal B the hub's session signs the vendor in without asking for the password again.
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    press_inaproc(page, b)
    page.wait_for_url(b.url + "/beranda/")
    assert not [url for url in visited if "/accounts/login/" in url], visited
    expect(page.locator(".identity")).to_contain_text("SINAR")
    expect(page.locator(".identity")).to_contain_text("sinar@abadi.id")
    expect(page.locator("h1")).to_have_text("CV Sinar Abadi")


def test_hub_down_is_reported_as_a_network_failure_not_a_wrong_password(launch_portal, page):
    portal = launch_portal("lkpp", accounts=[SINAR], client_id="client", client_secret="secret")
    press_inaproc(page, portal)
    alert = page.locator("[role=alert]")
    expect(alert).to_have_attribute("data-failure", "hub_unreachable")
    expect(alert).to_contain_text("INAPROC cannot be reached right now")
    expect(alert).not_to_contain_text("wrong", ignore_case=True)
