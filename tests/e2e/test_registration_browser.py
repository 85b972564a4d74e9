"""Registration and verification in Chromium, with the emails through a real SMTP server (aiosmtpd): the
whole path from the first page to roaming at an aggregated portal, and the ways it can go wrong (a
known NPWP, an expired or used link, a file that is no PDF or too large, a wrong region)."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfWriter
from steps import at, press_inaproc, sign_in_at_hub, sign_in_hub_staff, solve_captcha

from export_rows import CAHAYA
from satupintu.hub.helpdesk.models import Ticket
from satupintu.hub.registration.models import Registration, RegistrationLink
from satupintu.hub.vendors.models import PortalAccount, State

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "direksi@mitrakarya.co.id"
NPWP = "02.417.654.7-404.000"
PASSWORD = "Gedung#Biru2026x"
VERIFIER_PASSWORD = "Verifikator#2026x"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limits count in the cache, which outlives each test's data: these tests ask for links for
    one address again and again."""
    from django.core.cache import cache

    cache.clear()


def mail_to(smtp, count: int):
    """The ``count``-th email the SMTP server has received (waiting for the outbox to send it)."""
    deadline = time.monotonic() + 20
    while len(smtp.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp.messages) >= count, [m["Subject"] for m in smtp.messages]
    message = smtp.messages[count - 1]
    return message, message.get_payload(decode=True).decode()


def mail_with(smtp, subject: str):
    """The email whose subject holds ``subject``, once the outbox has sent it."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for message in smtp.messages:
            if subject in message["Subject"]:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email {subject!r} among {[m['Subject'] for m in smtp.messages]}")


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ask_for_link(page: Page, hub_url: str, email: str = EMAIL) -> None:
    page.goto(hub_url + "/daftar/")
    page.fill("input[name=email]", email)
    solve_captcha(page)
    page.get_by_role("button", name="Register").click()
    expect(page.locator("main")).to_contain_text(email)


def link_of(body: str) -> str:
    return re.search(r"http://\S+/daftar/konfirmasi/\S+/", body).group(0)


def npwp_step(page: Page, npwp: str = NPWP, office: str = "pusat") -> None:
    page.select_option("select[name=legal_form]", "pt")
    page.check(f"input[name=office_status][value={office}]")
    page.fill("input[name=npwp]", npwp)
    page.get_by_role("button", name="Check KSWP and continue").click()


def fill_details(page: Page, *, province: str = "32", regency: str = "32.71") -> None:
    page.fill("#id_user_id", "MITRAKARYA")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_name", "PT Mitra Karya Nusantara")
    page.fill("#id_address", "Jl. Pajajaran No. 88 RT 02/RW 07, Kel. Bantarjati")
    page.select_option("#id_province", province)
    page.select_option("#id_regency", regency)
    page.fill("#id_postal_code", "16153")
    page.fill("#id_phone", "0812 1111 2222")
    page.select_option("#id_verifying_portal", "kotabogor")


def register(page: Page, hub_url: str, smtp) -> None:
    """Stage 1, the link from the email, and stage 2, up to the page that ends the registration."""
    ask_for_link(page, hub_url)
    page.goto(link_of(mail_to(smtp, 1)[1]))
    npwp_step(page)
    expect(page.locator(".notice").first).to_contain_text("No duplicate data")
    fill_details(page)
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("Registration is complete")


def verifier(username: str = "verif_bogor", portal: str = "kotabogor"):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from satupintu.hub.portals.models import Portal

    user = get_user_model().objects.create_user(
        username, password=VERIFIER_PASSWORD, portal=Portal.objects.get(code=portal)
    )
    user.groups.add(Group.objects.get(name="Verifikator LPSE"))
    return user


@HUB_DB
def test_register_verify_online_sign_in_and_roam(start_portal, hub, smtp, browser, page):
    jakarta = start_portal("jakarta")

    # 1-4. Register; both emails arrive at the SMTP server.
    register(page, hub.url, smtp)
    expect(page.locator("main")).to_contain_text("Your user ID is MITRAKARYA")
    second, body = mail_to(smtp, 2)
    assert second["To"] == EMAIL and "MITRAKARYA" in second["Subject"]
    assert "LPSE Kota Bogor" in body

    # 5. Online verification: sign in with the new user ID, upload the scans as PDF.
    page.get_by_role("link", name="Verify online").click()
    sign_in_at_hub(page, "MITRAKARYA", PASSWORD)
    page.wait_for_url(hub.url + "/verifikasi/daring/")
    page.set_input_files(
        "input[name=files]",
        [
            {"name": "ktp-direktur.pdf", "mimeType": "application/pdf", "buffer": pdf()},
            {"name": "npwp-perusahaan.pdf", "mimeType": "application/pdf", "buffer": pdf(2)},
        ],
    )
    page.get_by_role("button", name="Open the ticket").click()
    ticket = Ticket.objects.get()
    page.wait_for_url(hub.url + f"/bantuan/{ticket.pk}/")
    expect(page.locator("main")).to_contain_text("Registrasi dan Verifikasi Berkas")
    expect(page.locator("main")).to_contain_text("npwp-perusahaan.pdf")

    # 6. The verifier of LPSE Kota Bogor schedules the video call, then approves.
    verifier()
    desk = browser.new_context(locale="en-US").new_page()
    sign_in_hub_staff(desk, hub.url, "verif_bogor", VERIFIER_PASSWORD, "/verifikasi/")
    desk.get_by_role("link", name="MITRAKARYA").click()
    expect(desk.locator("main")).to_contain_text("ktp-direktur.pdf")
    call = (timezone_now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    desk.fill("input[name=when]", call)
    desk.fill("input[name=how]", "WhatsApp video call to 0812 1111 2222")
    desk.get_by_role("button", name="Schedule the video call").click()
    expect(desk.locator(".messages")).to_contain_text("The video call is scheduled")
    desk.check("input[name=method][value=online]")
    for box in desk.locator("input[name=originals]").all():
        box.check()
    desk.get_by_role("button", name="Approve").click()
    expect(desk.locator(".messages")).to_contain_text("The registration is approved")
    desk.context.close()
    assert Registration.objects.get().state == Registration.State.APPROVED
    approved = mail_with(smtp, "Registration approved: MITRAKARYA")
    assert approved["To"] == EMAIL
    assert "Your User ID Tunggal is MITRAKARYA" in approved.get_payload(decode=True).decode()

    # 7. Sign in at the hub afresh: the vendor is a User ID Tunggal.
    page.goto(hub.url + "/")
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.goto(hub.url + "/accounts/login/")
    sign_in_at_hub(page, "MITRAKARYA", PASSWORD)
    page.wait_for_url(hub.url + "/")
    expect(page.locator("main")).to_contain_text("You are signed in as MITRAKARYA")
    account = PortalAccount.objects.get(user_id_key="mitrakarya")
    assert (account.portal.code, account.state) == ("kotabogor", State.ACTIVATED)

    # 8. Roam to an aggregated portal where the vendor never registered.
    press_inaproc(page, jakarta)
    page.wait_for_url(jakarta.url + "/beranda/")
    expect(page.locator(".messages")).to_contain_text("Signed in through INAPROC as MITRAKARYA")


def timezone_now():
    from django.utils import timezone

    return timezone.localtime()


@HUB_DB
def test_a_known_npwp_ends_at_activation_guidance_without_a_second_account(start_portal, hub, smtp, page):
    from django.contrib.auth import get_user_model

    start_portal("lkpp", accounts=[CAHAYA])
    users = get_user_model().objects.count()
    ask_for_link(page, hub.url)
    page.goto(link_of(mail_to(smtp, 1)[1]))
    npwp_step(page, npwp=CAHAYA["npwp"])
    expect(page.locator("h1")).to_have_text("This vendor is already registered")
    expect(page.locator("main")).to_contain_text("LPSE LKPP")
    # Nothing of the account found reaches an address that has only proved it receives mail.
    expect(page.locator("main")).not_to_contain_text(CAHAYA["user_id"])
    expect(page.locator("main")).not_to_contain_text(CAHAYA["email"])
    page.get_by_role("link", name="Activate the account").click()
    page.wait_for_url(at(hub.url + "/aktivasi/"))
    assert not Registration.objects.exists()
    assert get_user_model().objects.count() == users


@HUB_DB
def test_an_expired_link_and_a_used_link_get_their_own_pages(hub, smtp, page):
    ask_for_link(page, hub.url)
    link = link_of(mail_to(smtp, 1)[1])
    RegistrationLink.objects.update(expires_at=timezone_now() - timedelta(minutes=1))
    page.goto(link)
    expect(page.locator("h1")).to_have_text("This registration link cannot be used")
    expect(page.locator("main")).to_contain_text("This link has expired")
    # Ask for a new one from there, and register with it.
    page.get_by_role("link", name="Ask for a new registration link").click()
    page.fill("input[name=email]", EMAIL)
    solve_captcha(page)
    page.get_by_role("button", name="Register").click()
    fresh = link_of(mail_to(smtp, 2)[1])
    assert fresh != link
    page.goto(fresh)
    npwp_step(page)
    fill_details(page)
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("Registration is complete")

    # The same link a second time.
    page.goto(fresh)
    expect(page.locator("h1")).to_have_text("This registration link cannot be used")
    expect(page.locator("main")).to_contain_text("This link has already been used")
    assert Registration.objects.count() == 1


@HUB_DB
def test_empty_or_mismatched_province_and_regency_are_named_on_the_form(hub, smtp, page):
    ask_for_link(page, hub.url)
    page.goto(link_of(mail_to(smtp, 1)[1]))
    npwp_step(page)
    fill_details(page, province="", regency="")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("main")).to_contain_text("Province is empty: choose the province of the address.")
    expect(page.locator("main")).to_contain_text("Regency/city is empty")
    # What was typed stays.
    expect(page.locator("#id_name")).to_have_value("PT Mitra Karya Nusantara")

    fill_details(page, province="32", regency="31.71")  # Jawa Barat with Jakarta Pusat
    page.get_by_role("button", name="Register").click()
    expect(page.locator("main")).to_contain_text(
        "Regency/city: Kota Administrasi Jakarta Pusat is not in Jawa Barat"
    )
    assert not Registration.objects.exists()


@HUB_DB
def test_a_file_that_is_no_pdf_or_is_over_4_mb_is_refused_by_name(hub, smtp, page):
    register(page, hub.url, smtp)
    page.get_by_role("link", name="Verify online").click()
    sign_in_at_hub(page, "MITRAKARYA", PASSWORD)
    page.wait_for_url(hub.url + "/verifikasi/daring/")

    # A picture renamed .pdf.
    page.set_input_files(
        "input[name=files]",
        {"name": "akta.pdf", "mimeType": "application/pdf", "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 2048},
    )
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.locator("main")).to_contain_text("akta.pdf is not a PDF document")

    # A real PDF header, over 4 MB.
    big = b"%PDF-1.7\n" + b"0" * (4 * 1024 * 1024 + 10)
    page.set_input_files(
        "input[name=files]", {"name": "scan-besar.pdf", "mimeType": "application/pdf", "buffer": big}
    )
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.locator("main")).to_contain_text("scan-besar.pdf is larger than 4 MB")
    # The description typed stays; nothing was opened.
    expect(page.locator("textarea[name=description]")).to_contain_text("PT Mitra Karya Nusantara")
    assert not Ticket.objects.exists()
