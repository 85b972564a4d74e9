"""Activation in Chromium, from the banner of the portal's vendor home to the hub's pages, for each
outcome: no duplicate, a user ID collision, a group member (with the User ID Tunggal's password), and an
account held for review until its LPSE's administrator corrects it at the hub. The single of a group is
activated in test_roaming_browser, before its member's portal is visited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from steps import activate_from_banner, at, identity_row, sign_in_hub_staff, sign_in_locally
from test_portal_receiver import SINAR

from export_rows import CAHAYA, PT_CAHAYA, password_of, write_export
from satupintu.hub.vendors.models import PortalAccount, State

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# In each test's arguments the portals come before the page: the browser then closes first, and the
# portals, with no keep-alive connection left open, stop at once.

# Another vendor's account at lkpp, whose user ID a different vendor uses at depkes in another case.
MAJU = {
    **SINAR,
    "user_id": "MAJU",
    "npwp": "03.555.120.9-011.000",
    "name": "PT Maju",
    "email": "info@maju.id",
}
MAJU_DEPKES = {
    **MAJU,
    "portal": "depkes",
    "user_id": "maju",
    "npwp": "04.222.333.9-022.000",
    "name": "CV Maju Bersama",
    "address": "Jl. Diponegoro No. 9",
    "email": "cv@majubersama.id",
}
# A lone vendor whose province was left empty (the FAQ's "Oops" case): it waits for review.
KOSONG = {**SINAR, "user_id": "KOSONG", "province": ""}
VERIFIER_PASSWORD = "Verif#2026pw"


def import_at_hub(code: str, rows: list[dict], tmp_path) -> None:
    """Accounts of a portal that is not running in the test: known to the hub only."""
    from satupintu.hub.vendors.services import import_accounts

    summary = import_accounts(code, write_export(rows, tmp_path / f"hub-only-{code}.csv"))
    assert not summary.rejections, summary.rejections


def account(code: str, user_id: str) -> PortalAccount:
    return PortalAccount.objects.select_related("identity").get(portal__code=code, user_id=user_id)


@HUB_DB
def test_an_account_without_duplicates_becomes_its_own_user_id_tunggal(start_portal, hub, page):
    portal = start_portal("lkpp", accounts=[SINAR])
    activate_from_banner(page, portal, hub.url, "SINAR", password_of(SINAR))
    expect(page.locator("h1")).to_have_text("Account activated")
    expect(page.locator(".success")).to_contain_text("SINAR is now your User ID Tunggal")
    activated = account("lkpp", "SINAR")
    assert activated.state == State.ACTIVATED and activated.identity.username == "SINAR"
    assert activated.identity.check_password(password_of(SINAR))

    # The portal hears of it: the banner is gone, and the account now signs in through INAPROC.
    hub.deliver()
    page.goto(portal.url + "/beranda/")
    expect(page.locator("h1")).to_have_text("CV Sinar Abadi")
    assert page.locator("#activation-link").count() == 0
    assert identity_row(page, "User ID Tunggal") == "SINAR"


@HUB_DB
def test_a_user_id_collision_is_activated_under_a_new_user_id(start_portal, hub, tmp_path, page):
    portal = start_portal("lkpp", accounts=[MAJU])
    import_at_hub("depkes", [MAJU_DEPKES], tmp_path)
    activate_from_banner(page, portal, hub.url, "MAJU", password_of(MAJU))
    page.wait_for_url(hub.url + "/aktivasi/user-id-baru/")
    expect(page.locator(".notice")).to_contain_text("The user ID MAJU is also used by another vendor")

    # The other vendor's user ID, in any case, is not free.
    page.fill("#id_new_user_id", "Maju")
    page.fill("#id_password", password_of(MAJU))
    page.get_by_role("button", name="Change and activate").click()
    expect(page.locator(".errorlist")).to_contain_text("This user ID is already used at a portal")

    page.fill("#id_new_user_id", "MAJU_LKPP")
    page.fill("#id_password", password_of(MAJU))
    page.get_by_role("button", name="Change and activate").click()
    expect(page.locator(".success")).to_contain_text("MAJU_LKPP is now your User ID Tunggal")
    renamed = account("lkpp", "MAJU_LKPP")
    assert renamed.state == State.ACTIVATED and renamed.identity.username == "MAJU_LKPP"
    assert account("depkes", "maju").state == State.LOCAL

    # The portal hears the rename (and the activation): the vendor's account there has the new user ID.
    page.goto(portal.url + "/beranda/")
    assert identity_row(page, "User ID") == "MAJU"
    hub.deliver()
    page.reload()
    assert identity_row(page, "User ID") == "MAJU_LKPP"
    assert identity_row(page, "User ID Tunggal") == "MAJU_LKPP"
    assert page.locator("#activation-link").count() == 0


@HUB_DB
def test_a_member_links_with_the_password_of_its_user_id_tunggal(start_portal, hub, tmp_path, page):
    # The member comes first: the Tunggal's password also activates the Tunggal.
    portal = start_portal("jakarta", accounts=[PT_CAHAYA])
    import_at_hub("lkpp", [CAHAYA], tmp_path)
    activate_from_banner(page, portal, hub.url, "PT_CAHAYA", password_of(PT_CAHAYA))
    page.wait_for_url(hub.url + "/aktivasi/non-aktif/")
    notice = page.locator(".notice")
    expect(notice).to_contain_text("the same company as the User ID Tunggal CAHAYA, registered at LPSE LKPP")

    page.fill("#id_password", password_of(PT_CAHAYA))  # its own password is not the Tunggal's
    page.get_by_role("button", name="Link and activate").click()
    expect(page.locator(".errorlist")).to_contain_text("This is not the password of the User ID Tunggal.")
    assert account("jakarta", "PT_CAHAYA").state == State.LOCAL

    page.fill("#id_password", password_of(CAHAYA))
    page.get_by_role("button", name="Link and activate").click()
    expect(page.locator("h1")).to_have_text("Account linked to your User ID Tunggal")
    expect(page.locator(".success")).to_contain_text(
        "The account PT_CAHAYA of LPSE Provinsi DKI Jakarta is now linked to the User ID Tunggal CAHAYA"
    )
    member, tunggal = account("jakarta", "PT_CAHAYA"), account("lkpp", "CAHAYA")
    assert member.state == State.LINKED and tunggal.state == State.ACTIVATED
    assert member.identity == tunggal.identity and tunggal.identity.username == "CAHAYA"

    # The portal hears of the link: the account's own password now points to the User ID Tunggal.
    hub.deliver()
    page.context.clear_cookies()
    sign_in_locally(page, portal, "PT_CAHAYA", password_of(PT_CAHAYA))
    expect(page.locator("[role=alert]")).to_contain_text(
        "Account PT_CAHAYA is now linked to the User ID Tunggal CAHAYA"
    )


@HUB_DB
def test_an_account_in_review_activates_once_its_lpse_corrects_it(start_portal, hub, page, browser):
    from django.contrib.auth import get_user_model

    from satupintu.hub.groups.services import aggregate_all
    from satupintu.hub.portals.models import Portal

    portal = start_portal("lkpp", accounts=[KOSONG])
    aggregate_all()  # the hub's batch after an import: it fills the review queue
    verifier = get_user_model().objects.create_user(
        "verif_lkpp", password=VERIFIER_PASSWORD, portal=Portal.objects.get(code="lkpp")
    )
    verifier.groups.add(Group.objects.get(name="Verifikator LPSE"))

    # The vendor is told why it cannot activate yet, and which LPSE to contact.
    activate_from_banner(page, portal, hub.url, "KOSONG", password_of(KOSONG))
    expect(page.locator("h1")).to_have_text("Activation waits for your LPSE")
    expect(page.locator("main")).to_contain_text(
        "The province or regency/city recorded for the account is empty or cannot be recognised."
    )
    expect(page.locator("main")).to_contain_text("Contact the helpdesk of LPSE LKPP")
    assert account("lkpp", "KOSONG").state == State.LOCAL

    # The LPSE's administrator finds it in the review queue and corrects the province.
    staff = browser.new_context(locale="en-US").new_page()
    try:
        sign_in_hub_staff(staff, hub.url, "verif_lkpp", VERIFIER_PASSWORD, "/tinjauan/")
        staff.locator("table.queue").get_by_role("link", name="KOSONG").click()
        staff.wait_for_url(at(hub.url + "/tinjauan/akun/"))
        expect(staff.locator("ul.findings")).to_contain_text("REGION_INVALID")
        region = staff.locator("form#region")
        expect(region.locator("select[name=regency]")).to_have_value("Kota Bogor")
        region.locator("select[name=province]").select_option("Jawa Barat")
        region.get_by_role("button", name="Save the region").click()
        expect(staff.locator(".messages")).to_contain_text(
            "The region is corrected. The vendor can activate now: the account becomes the User ID Tunggal."
        )
    finally:
        staff.context.close()
    assert account("lkpp", "KOSONG").province == "Jawa Barat"

    # The vendor activates again from its portal, and succeeds.
    page.goto(portal.url + "/beranda/")
    activate_from_banner(page, portal, hub.url, "KOSONG", password_of(KOSONG), signed_in=True)
    expect(page.locator(".success")).to_contain_text("KOSONG is now your User ID Tunggal")
    activated = account("lkpp", "KOSONG")
    assert activated.state == State.ACTIVATED and activated.identity.vendor.province == "Jawa Barat"
