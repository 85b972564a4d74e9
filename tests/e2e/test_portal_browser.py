"""A vendor at the reference portals, in Chromium: local sign-in, packages, the activation banner,
roaming between two portals through the hub, a portal without aggregation, and a hub that is down."""

from __future__ import annotations

import re

import pytest
from servers import password_of
from test_portal_receiver import SINAR

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in_locally(page, portal, user_id: str, password: str) -> None:
    page.goto(portal.url + "/masuk/")
    page.fill("#id_user_id", user_id)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()


def test_local_sign_in_and_registering_for_a_package_once(page, launch_portal):
    portal = launch_portal("lkpp", accounts=[SINAR], name="LPSE LKPP")
    page.goto(portal.url + "/")
    assert page.locator("h1").inner_text() == "LPSE LKPP"
    sign_in_locally(page, portal, "sinar", password_of(SINAR))
    page.wait_for_url(portal.url + "/beranda/")
    assert page.locator("h1").inner_text() == "CV Sinar Abadi"

    page.goto(portal.url + "/")
    page.locator("td a").first.click()
    package_url = page.url
    assert page.locator("#participants").inner_text() == "0"
    # A second tab with the same form open: the vendor registers in one, then tries again in the other.
    other = page.context.new_page()
    other.goto(package_url)
    page.get_by_role("button", name="Register for this package").click()
    assert "You are registered for package" in page.locator(".messages").inner_text()
    assert page.locator("#participants").inner_text() == "1"
    other.get_by_role("button", name="Register for this package").click()
    assert "already registered" in other.locator(".messages").inner_text()
    assert other.locator("#participants").inner_text() == "1"


def test_qualification_data_is_validated_by_field_and_kept_for_its_owner(page, launch_portal):
    portal = launch_portal(
        "lkpp", accounts=[SINAR, {**SINAR, "user_id": "OTHER", "npwp": "03.555.120.9-011.000"}]
    )
    sign_in_locally(page, portal, "SINAR", password_of(SINAR))
    page.wait_for_url(portal.url + "/beranda/")
    page.goto(portal.url + "/kualifikasi/izin-usaha/tambah/")
    page.get_by_role("button", name="Save").click()
    errors = page.locator(".errorlist").all_inner_texts()
    assert any(e.startswith("Licence number:") for e in errors)
    page.select_option("#id_kind", "nib")
    page.fill("#id_number", "9120001234567")
    page.fill("#id_issuer", "OSS RBA")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(portal.url + "/kualifikasi/")
    assert "9120001234567" in page.locator("#izin-usaha").inner_text()
    edit_url = page.locator("#izin-usaha a", has_text="Edit").get_attribute("href")

    # Another vendor neither sees it nor reaches it.
    page.context.clear_cookies()
    sign_in_locally(page, portal, "OTHER", password_of({"user_id": "OTHER"}))
    page.wait_for_url(portal.url + "/beranda/")
    page.goto(portal.url + "/kualifikasi/")
    assert "9120001234567" not in page.content()
    response = page.goto(portal.url + edit_url)
    assert response.status == 404 and "Page not found" in page.content()


@HUB_DB
def test_activation_banner_links_to_the_hub(page, start_portal, hub):
    portal = start_portal("lkpp", accounts=[SINAR])
    sign_in_locally(page, portal, "SINAR", password_of(SINAR))
    page.wait_for_url(portal.url + "/beranda/")
    link = page.locator("#activation-link")
    assert link.is_visible()
    assert link.get_attribute("href") == f"{hub.url}/aktivasi/?portal=lkpp&user_id=SINAR"
    link.click()
    page.wait_for_url(re.compile(re.escape(hub.url) + "/aktivasi/"))
    assert page.locator("input[type=password]").count() >= 1


@HUB_DB
def test_roaming_from_portal_a_to_portal_b_without_a_second_password(page, start_portal, hub):
    from satupintu.hub.activation import services as activation
    from satupintu.hub.vendors.models import PortalAccount

    a = start_portal("lkpp", accounts=[SINAR])
    b = start_portal("depkes")
    account = PortalAccount.objects.get(portal__code="lkpp", user_id="SINAR")
    assert activation.activate(account, password_of(SINAR)).outcome is activation.Outcome.ACTIVATED
    hub.deliver()  # the account.activated event reaches portal A's hook

    # Portal A has heard: its local sign-in now sends the vendor to INAPROC.
    sign_in_locally(page, a, "SINAR", password_of(SINAR))
    assert "Account SINAR has been activated" in page.locator("[role=alert]").inner_text()

    page.get_by_role("button", name="Masuk dengan INAPROC").click()
    page.wait_for_url(re.compile(re.escape(hub.url) + "/accounts/login/"))
    page.fill("input[name=login]", "SINAR")
    page.fill("input[name=password]", password_of(SINAR))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(a.url + "/beranda/")
    assert page.locator("#activation-link").count() == 0
    assert "SINAR" in page.locator(".identity").inner_text()

    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.goto(b.url + "/")
    page.get_by_role("button", name="Masuk dengan INAPROC").click()
    page.wait_for_url(b.url + "/beranda/")
    assert not [url for url in visited if "/accounts/login/" in url], visited
    identity = page.locator(".identity").inner_text()
    assert "SINAR" in identity and "sinar@abadi.id" in identity
    assert page.locator("h1").inner_text() == "CV Sinar Abadi"


def test_a_portal_without_aggregation_has_no_inaproc_button(page, launch_portal):
    portal = launch_portal("kotabogor", accounts=[{**SINAR, "portal": "kotabogor"}], aggregated=False)
    page.goto(portal.url + "/")
    assert page.get_by_role("button", name="Masuk dengan INAPROC").count() == 0
    sign_in_locally(page, portal, "SINAR", password_of(SINAR))
    page.wait_for_url(portal.url + "/beranda/")
    assert page.locator("#activation-link").count() == 0
    assert page.get_by_role("button", name="Masuk dengan INAPROC").count() == 0


def test_hub_down_is_reported_as_a_network_failure_not_a_wrong_password(page, launch_portal):
    portal = launch_portal("lkpp", accounts=[SINAR], client_id="client", client_secret="secret")
    page.goto(portal.url + "/")
    page.get_by_role("button", name="Masuk dengan INAPROC").click()
    alert = page.locator("[role=alert]")
    assert alert.get_attribute("data-failure") == "hub_unreachable"
    assert "INAPROC cannot be reached right now" in alert.inner_text()
    assert "wrong" not in alert.inner_text().lower()
