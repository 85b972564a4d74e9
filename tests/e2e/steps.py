"""What a vendor and an LPSE administrator do in the browser, step by step, for the end-to-end tests:
each step uses the pages and buttons a person would, and waits on what the next page shows."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from servers import RunningPortal

INAPROC_BUTTON = "Masuk dengan INAPROC"


def at(url: str) -> re.Pattern:
    """A URL pattern: ``url`` followed by anything (a query, say)."""
    return re.compile(re.escape(url) + r".*")


def sign_in_locally(page: Page, portal: RunningPortal, user_id: str, password: str) -> None:
    """The portal's own sign-in form; lands on the vendor home (or stays on the form with an error)."""
    page.goto(portal.url + "/masuk/")
    page.fill("#id_user_id", user_id)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()


def open_vendor_home(page: Page, portal: RunningPortal, user_id: str, password: str) -> None:
    sign_in_locally(page, portal, user_id, password)
    page.wait_for_url(portal.url + "/beranda/")


def sign_out_of_portal(page: Page, portal: RunningPortal) -> None:
    """The portal's "Sign out" button (its header shows it on every page)."""
    page.goto(portal.url + "/")
    page.locator("header").get_by_role("button", name="Sign out").click()
    # Back on the home page, which offers the sign-in buttons to a visitor only.
    expect(page.get_by_role("link", name="Sign in with this portal's account")).to_be_visible()


def identity_row(page: Page, label: str) -> str:
    """A value of the vendor home's identity table, by its row's heading."""
    return page.locator(".identity tr", has=page.locator(f"th:text-is('{label}')")).locator("td").inner_text()


def solve_captcha(page: Page) -> None:
    """Type the security code of the hub's page, read from the hub's captcha store by the page's key
    (the test's way of reading the picture)."""
    from captcha.models import CaptchaStore

    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)


def activate_from_banner(
    page: Page, portal: RunningPortal, hub_url: str, user_id: str, password: str, *, signed_in=False
) -> None:
    """Sign in at the portal (unless ``signed_in``), follow the vendor home's activation banner to the
    hub, and submit the activation form (the portal and user ID come filled in from the banner's link)."""
    if signed_in:
        page.goto(portal.url + "/beranda/")
    else:
        open_vendor_home(page, portal, user_id, password)
    page.locator("#activation-link").click()
    page.wait_for_url(at(hub_url + "/aktivasi/"))
    expect(page.locator("#id_portal")).to_have_value(portal.code)
    expect(page.locator("#id_user_id")).to_have_value(user_id)
    page.fill("#id_password", password)
    solve_captcha(page)
    page.get_by_role("button", name="Activate", exact=True).click()


def sign_in_at_hub(page: Page, user_id: str, password: str) -> None:
    """The hub's sign-in form, where the hub has sent the browser."""
    page.fill("input[name=login]", user_id)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()


def press_inaproc(page: Page, portal: RunningPortal) -> None:
    """ "Masuk dengan INAPROC" on the portal's home page (signed out there)."""
    page.goto(portal.url + "/")
    page.get_by_role("button", name=INAPROC_BUTTON).click()


def roam_in(page: Page, portal: RunningPortal, hub_url: str, user_id: str, password: str) -> None:
    """Sign in at the portal through the hub, giving the password only if the hub asks for it."""
    press_inaproc(page, portal)
    page.wait_for_url(re.compile(f"({re.escape(hub_url)}/accounts/login/|{re.escape(portal.url)}/beranda/)"))
    if page.url.startswith(hub_url):
        sign_in_at_hub(page, user_id, password)
        page.wait_for_url(portal.url + "/beranda/")


def sign_in_hub_staff(page: Page, hub_url: str, username: str, password: str, then: str) -> None:
    """An LPSE administrator signs in at the hub and lands on ``then``."""
    page.goto(f"{hub_url}/accounts/login/?next={then}")
    sign_in_at_hub(page, username, password)
    page.wait_for_url(at(hub_url + then))
