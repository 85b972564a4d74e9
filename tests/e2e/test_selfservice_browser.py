"""Self-service at the hub in Chromium, reached from a portal's vendor home: a user ID change that the
portal hears and the next sign-in uses, and identity data edited from portal A that portal B shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from steps import at, identity_row, press_inaproc, roam_in, sign_in_at_hub
from test_portal_hub import activate
from test_portal_receiver import SINAR

from export_rows import password_of
from satupintu.hub.activation.models import UserIdChange
from satupintu.hub.vendors.models import PortalAccount

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# In each test's arguments the portals come before the page: the browser then closes first, and the
# portals, with no keep-alive connection left open, stop at once.


def open_self_service(page, portal, hub_url: str) -> None:
    """The vendor home's link to the hub's account pages (signed in at the portal through INAPROC)."""
    page.goto(portal.url + "/beranda/")
    page.get_by_role("link", name="Manage your account at INAPROC").click()
    page.wait_for_url(f"{hub_url}/akun/?portal={portal.code}")


def edit_identity(page, **fields: str) -> None:
    """The hub's identity form, from the account overview, with ``fields`` typed over their values."""
    page.get_by_role("link", name="Edit identity data").click()
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        "Your data has been saved. Every aggregated portal receives it."
    )


@HUB_DB
def test_a_user_id_change_reaches_the_portal_and_signs_in_from_then_on(start_portal, hub, page, browser):
    portal = start_portal("lkpp", accounts=[SINAR])
    activate("lkpp", SINAR)
    hub.deliver()
    roam_in(page, portal, hub.url, "SINAR", password_of(SINAR))
    open_self_service(page, portal, hub.url)

    page.get_by_role("link", name="Change user ID").click()
    page.fill("#id_new_user_id", "SinarAbadi")
    page.fill("#id_password", password_of(SINAR))
    page.get_by_role("button", name="Change user ID").click()
    page.wait_for_url(f"{hub.url}/akun/?portal=lkpp")
    expect(page.locator(".messages")).to_contain_text("Your user ID is now SinarAbadi.")
    expect(page.get_by_role("link", name="Back to LPSE LKPP")).to_be_visible()
    change = UserIdChange.objects.get(old_user_id="SINAR")
    assert change.new_user_id == "SinarAbadi" and change.reason == "self_service"
    assert PortalAccount.objects.get(portal__code="lkpp").identity.username == "SinarAbadi"

    # The portal shows the new user ID once the hub has delivered the change.
    page.goto(portal.url + "/beranda/")
    assert identity_row(page, "User ID") == "SINAR"
    hub.deliver()
    page.reload()
    assert identity_row(page, "User ID") == "SinarAbadi"
    assert identity_row(page, "User ID Tunggal") == "SinarAbadi"

    # Another day, another browser: the old user ID no longer signs in; the new one does.
    later = browser.new_context(locale="en-US").new_page()
    try:
        press_inaproc(later, portal)
        later.wait_for_url(at(hub.url + "/accounts/login/"))
        sign_in_at_hub(later, "SINAR", password_of(SINAR))
        expect(later.locator(".errorlist")).to_be_visible()
        assert later.url.startswith(hub.url + "/accounts/login/")
        sign_in_at_hub(later, "SinarAbadi", password_of(SINAR))
        later.wait_for_url(portal.url + "/beranda/")
        assert identity_row(later, "User ID") == "SinarAbadi"
    finally:
        later.context.close()


@HUB_DB
def test_identity_data_edited_from_portal_a_is_seen_at_portal_b(start_portal, hub, page):
    a = start_portal("lkpp", accounts=[SINAR])
    b = start_portal("depkes")
    activate("lkpp", SINAR)
    hub.deliver()
    roam_in(page, a, hub.url, "SINAR", password_of(SINAR))
    roam_in(page, b, hub.url, "SINAR", password_of(SINAR))  # no second password: the hub knows it
    assert identity_row(page, "Phone") == SINAR["phone"]

    open_self_service(page, a, hub.url)
    edit_identity(page, phone="0251 8765432", address="Jl. Pajajaran No. 14")
    vendor = PortalAccount.objects.get(portal__code="lkpp").identity.vendor
    assert (vendor.phone, vendor.address) == ("0251 8765432", "Jl. Pajajaran No. 14")
    assert (vendor.province, vendor.regency) == ("Jawa Barat", "Kota Bogor")

    # B, where the vendor is still signed in, shows the new data once the hub has delivered it.
    page.goto(b.url + "/beranda/")
    assert identity_row(page, "Phone") == SINAR["phone"]
    hub.deliver()
    page.reload()
    assert identity_row(page, "Phone") == "0251 8765432"
    assert identity_row(page, "Address").startswith("Jl. Pajajaran No. 14, Kota Bogor, Jawa Barat")
