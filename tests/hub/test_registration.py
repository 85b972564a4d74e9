"""Vendor registration through the test client, with the emails through a real SMTP server (aiosmtpd):
stage 1, the mailed link, stage 2 with its NPWP and duplicate checks, the end, and a mail server that is
down."""

import re
from datetime import timedelta

import pytest
from captcha_solver import solve_captcha
from django.contrib.auth.hashers import check_password
from django.utils import timezone
from test_activation import LONE, activate
from typer.testing import CliRunner

from export_rows import CAHAYA
from network import free_port
from satupintu.cli import app
from satupintu.hub.activation.services import user_id_available
from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.mail.models import OutgoingEmail
from satupintu.hub.mail.services import send_due
from satupintu.hub.registration.kswp import load_table
from satupintu.hub.registration.models import Registration, RegistrationLink, TaxStatus, TaxStatusRecord
from satupintu.hub.vendors.models import VendorProfile

pytestmark = pytest.mark.django_db

EMAIL = "direksi@mitrakarya.co.id"
NEW_NPWP = "02.417.654.7-404.000"  # valid; no account holds it unless a test imports LONE
PASSWORD = "Gedung#Biru2026x"


def details(**changes) -> dict:
    data = {
        "user_id": "MITRAKARYA",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "PT Mitra Karya Nusantara",
        "address": "Jl. Pajajaran No. 88 RT 02/RW 07, Kel. Bantarjati",
        "province": "32",  # Jawa Barat
        "regency": "32.71",  # Kota Bogor
        "postal_code": "16153",
        "phone": "0251 8325943",
        "verifying_portal": "kotabogor",
    }
    return {**data, **changes}


def text(response) -> str:
    return response.content.decode()


def link_in(message) -> str:
    return re.search(r"http://\S+/daftar/konfirmasi/\S+/", message.get_payload(decode=True).decode()).group(0)


@pytest.fixture
def ask_link(client, django_capture_on_commit_callbacks):
    """Stage 1 through the page; returns the page shown after it."""

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages below are checked in English

    def ask(email=EMAIL):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/daftar/", {"email": email, **solve_captcha(client, "/daftar/")}, follow=True)

    return ask


@pytest.fixture
def opened(client, smtp, ask_link):
    """A session with the mailed link followed; returns the link's address."""
    ask_link()
    url = link_in(smtp.messages[-1])
    assert client.get(url, follow=True).redirect_chain[-1][0] == "/daftar/npwp/"
    return url


def npwp_step(client, npwp=NEW_NPWP, office_status="pusat", legal_form="pt"):
    return client.post(
        "/daftar/npwp/", {"legal_form": legal_form, "office_status": office_status, "npwp": npwp}, follow=True
    )


def test_the_whole_registration_sends_both_emails_and_waits_for_the_lpse(
    client, smtp, opened, django_capture_on_commit_callbacks
):
    assert smtp.messages[0]["To"] == EMAIL
    page = npwp_step(client)
    assert page.redirect_chain[-1][0] == "/daftar/data/"
    assert "No duplicate data" in text(page)
    assert "does not know this NPWP yet" in text(page)  # no KSWP table loaded: the verifier checks it
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/daftar/data/", details(), follow=True)
    page = text(done)
    assert done.redirect_chain[-1][0] == "/daftar/selesai/"
    assert "Registration is complete" in page and "Your user ID is MITRAKARYA" in page
    assert "LPSE Kota Bogor" in page and "The company&#x27;s NPWP" in page

    registration = Registration.objects.get()
    assert registration.state == Registration.State.SUBMITTED
    assert registration.npwp_canonical == "0024176547404000" and registration.province == "Jawa Barat"
    # The hub account holds the user ID and the password (argon2id), but is no vendor until approval.
    assert registration.account.username == "MITRAKARYA" and registration.account.email == EMAIL
    assert registration.account.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, registration.account.password)
    assert not hasattr(registration.account, "vendor")
    assert RegistrationLink.objects.get().used_at is not None
    second = smtp.messages[1]
    assert second["To"] == EMAIL and "MITRAKARYA" in second["Subject"]
    body = second.get_payload(decode=True).decode()
    assert "LPSE Kota Bogor" in body and "The company's NPWP" in body
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["registration.link_sent", "registration.submitted"]
    assert not OutgoingEmail.objects.filter(sent_at=None).exists()


def test_a_used_link_and_an_expired_link_each_get_their_page(client, smtp, opened):
    npwp_step(client)
    client.post("/daftar/data/", details())
    used = client.get(opened)
    assert used.status_code == 410 and "already been used" in text(used)

    RegistrationLink.objects.update(used_at=None, expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(opened)
    assert expired.status_code == 410 and "This link has expired" in text(expired)
    assert "Ask for a new registration link" in text(expired)
    unknown = client.get("/daftar/konfirmasi/not-a-token/")
    assert unknown.status_code == 404


def test_a_known_head_office_is_led_to_activation_and_nothing_is_stored(
    client, smtp, opened, portal_accounts
):
    portal_accounts(CAHAYA)
    page = npwp_step(client, npwp=CAHAYA["npwp"])
    body = text(page)
    assert page.status_code == 409 and "already registered" in body
    assert "LPSE LKPP" in body and "/aktivasi/" in body
    # Where, but nothing about the account itself: an address that only proved it gets mail learns no more.
    assert "CAHAYA" not in body and CAHAYA["email"] not in body and CAHAYA["address"] not in body
    assert not Registration.objects.exists()


def test_a_branch_with_the_company_npwp_registers_at_another_address_not_at_the_same_one(
    client, smtp, opened, portal_accounts
):
    portal_accounts({**LONE, "status": "pusat"})
    assert (
        npwp_step(client, npwp=LONE["npwp"], office_status="cabang").redirect_chain[-1][0] == "/daftar/data/"
    )
    same_place = client.post(
        "/daftar/data/", details(address=LONE["address"], regency="32.71", postal_code=LONE["postal_code"])
    )
    assert same_place.status_code == 409 and "already registered" in text(same_place)
    assert not Registration.objects.exists()

    elsewhere = client.post("/daftar/data/", details(address="Jl. Raya Tajur No. 40", postal_code="16134"))
    assert elsewhere.status_code == 302
    assert Registration.objects.get().office_status == "cabang"


def test_a_branch_the_engine_cannot_place_registers_and_names_the_accounts_for_the_verifier(
    client, smtp, opened, portal_accounts
):
    # The head office's street without its number: the engine cannot tell whether it is the same place.
    portal_accounts({**LONE, "status": "pusat"})
    npwp_step(client, npwp=LONE["npwp"], office_status="cabang")
    vague = client.post("/daftar/data/", details(address="Jalan Pajajaran", postal_code=LONE["postal_code"]))
    assert vague.status_code == 302
    registration = Registration.objects.get()
    assert registration.possible_duplicates == [{"portal": "depkes", "user_id": "SINAR"}]
    audit = AuditEvent.objects.get(action="registration.submitted")
    assert audit.data["possible_duplicates"] == registration.possible_duplicates


def test_a_branch_at_the_address_of_a_vendor_whose_npwp_changed_at_the_hub_is_a_duplicate(
    client, smtp, opened, portal_accounts
):
    # SINAR's NPWP was changed at the hub (a decided NPWP change): its portal still exports the old one.
    portal_accounts({**LONE, "status": "cabang"})
    vendor = activate(LONE).account.identity
    VendorProfile.objects.filter(user=vendor).update(npwp_canonical="0013121660091000")
    npwp_step(client, npwp="01.312.166.0-091.000", office_status="cabang")
    same_place = client.post(
        "/daftar/data/", details(address=LONE["address"], regency="32.71", postal_code=LONE["postal_code"])
    )
    assert same_place.status_code == 409 and "already registered" in text(same_place)
    assert "LPSE Kementerian Kesehatan" in text(same_place)
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"province": ""}, "Province is empty: choose the province of the address."),
        ({"regency": ""}, "Regency/city is empty"),
        ({"regency": "31.71"}, "Regency/city: Kota Administrasi Jakarta Pusat is not in Jawa Barat."),
        ({"province": "99"}, "Province: &#x27;99&#x27; is not an Indonesian province."),
        ({"postal_code": "1234"}, "A postal code has 5 digits"),
        ({"phone": "12345"}, "Phone: write an Indonesian number with its area code"),
        ({"user_id": "no spaces allowed"}, "A user ID has 3 to 100 characters"),
        ({"password1": "mitrakarya", "password2": "mitrakarya"}, "The password has no upper-case letter"),
        ({"password1": "Mitrakarya#1", "password2": "Mitrakarya#1"}, "The password contains your user ID"),
        ({"password1": "Nusantara#2026", "password2": "Nusantara#2026"}, "contains your company name"),
        ({"password2": "Other#Pass2026"}, "The two passwords differ"),
        ({"verifying_portal": ""}, "Choose the LPSE that will verify your documents."),
    ],
)
def test_a_wrong_field_gets_a_message_naming_it_and_nothing_is_stored(client, smtp, opened, changes, message):
    npwp_step(client)
    response = client.post("/daftar/data/", details(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert not Registration.objects.exists()


def test_a_user_id_held_anywhere_is_refused_whatever_its_case(client, smtp, opened, portal_accounts):
    portal_accounts(CAHAYA)
    npwp_step(client)
    response = client.post("/daftar/data/", details(user_id="cahaya"))
    assert "User ID: this one is already taken. Choose another." in text(response)
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("npwp", "message"),
    [
        ("", "NPWP is empty"),
        ("02.417.654.8-404.000", "the check digit does not match"),
        ("00.000.000.0-000.000", "all zeros is not a tax number"),
        ("1234", "NPWP has 15 digits (old form) or 16 digits (new form)"),
    ],
)
def test_a_wrong_npwp_is_named(client, smtp, opened, npwp, message):
    assert message in text(npwp_step(client, npwp=npwp))


def test_the_kswp_check_refuses_a_taxpayer_whose_status_is_not_valid(client, smtp, opened):
    TaxStatusRecord.objects.create(npwp_canonical="0024176547404000", status=TaxStatus.INVALID)
    page = text(npwp_step(client))
    assert "the tax-status check (KSWP) says this taxpayer&#x27;s status is not valid" in page


def test_the_kswp_table_loads_and_reports_every_rejected_row(tmp_path):
    table = tmp_path / "kswp.csv"
    table.write_text(
        "npwp,status,name,checked_on\n"
        "02.417.654.7-404.000,valid,CV SINAR ABADI,2026-11-01\n"
        "02.417.654.8-404.000,valid,TYPO,2026-11-01\n"
        "01.312.166.0-091.000,maybe,PT CAHAYA,\n"
        "01.312.166.0-091.000,tidak valid,PT CAHAYA,1 Nov 2026\n"
        "01.312.166.0-091.000,Tidak Valid,PT CAHAYA,\n",
        encoding="utf-8",
    )
    result = load_table(table)
    assert result.loaded == 2
    assert [line for line, _ in result.rejected] == [3, 4, 5]
    assert "check digit" in result.rejected[0][1] and "checked_on" in result.rejected[2][1]
    assert TaxStatusRecord.objects.get(npwp_canonical="0013121660091000").status == TaxStatus.INVALID
    assert (
        load_table(table).loaded == 2 and TaxStatusRecord.objects.count() == 2
    )  # loading again changes nothing


def test_with_the_mail_server_down_nothing_is_lost_and_the_emails_go_out_once_it_is_back(
    client, settings, smtp_down, start_smtp, django_capture_on_commit_callbacks
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/daftar/", {"email": EMAIL, **solve_captcha(client, "/daftar/")}, follow=True)
    assert "Check your inbox" in text(sent) and "sent again automatically" in text(sent)
    waiting = OutgoingEmail.objects.get()
    assert waiting.sent_at is None and waiting.attempts == 1

    inbox = start_smtp()
    assert send_due(now=timezone.now() + timedelta(hours=1)).sent == 1
    assert send_due(now=timezone.now() + timedelta(hours=2)).sent == 0
    assert len(inbox.messages) == 1
    client.get(link_in(inbox.messages[0]))
    npwp_step(client)
    # The mail server goes away again before the form is sent: the registration is kept all the same.
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/daftar/data/", details(), follow=True)
    assert "Registration is complete" in text(done) and "your registration is kept in any case" in text(done)
    assert Registration.objects.filter(user_id="MITRAKARYA").exists()
    assert OutgoingEmail.objects.filter(sent_at=None, purpose="registration.submitted").count() == 1

    settings.EMAIL_PORT = port
    assert send_due(now=timezone.now() + timedelta(hours=1)).sent == 1
    assert len(inbox.messages) == 2 and "MITRAKARYA" in inbox.messages[1]["Subject"]


def test_the_kswp_load_command_lists_each_rejected_row(tmp_path):
    table = tmp_path / "kswp.csv"
    table.write_text("npwp,status\n02.417.654.7-404.000,valid\n1234,valid\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["kswp", "load", str(table)])
    assert result.exit_code == 1
    assert "line 3: npwp:" in result.output and "1 loaded, 1 rejected" in result.output
    assert TaxStatusRecord.objects.filter(npwp_canonical="0024176547404000", status=TaxStatus.VALID).exists()


def test_the_pages_speak_indonesian_unless_the_browser_asks_for_english(client):
    assert "Daftar sebagai penyedia" in text(client.get("/daftar/"))
    assert "Register as a vendor" in text(client.get("/daftar/", HTTP_ACCEPT_LANGUAGE="en"))


def test_a_registered_user_id_is_held_against_user_id_changes_too(client, smtp, opened):
    npwp_step(client)
    client.post("/daftar/data/", details())
    assert not user_id_available("mitrakarya")
    Registration.objects.update(state=Registration.State.REJECTED)
    # A rejection keeps it with the (deactivated) hub account: the rejected vendor's mails and audit
    # trail name it, so no other vendor may take it.
    assert not user_id_available("mitrakarya")


def test_the_registration_link_is_on_the_hubs_public_address(
    client, smtp, settings, django_capture_on_commit_callbacks
):
    settings.SATUPINTU_ISSUER = "https://inaproc.example.go.id"
    settings.ALLOWED_HOSTS = ["internal-hub", "testserver"]
    client.defaults["HTTP_HOST"] = "internal-hub"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/daftar/", {"email": EMAIL, **solve_captcha(client, "/daftar/")})
    body = smtp.messages[-1].get_payload(decode=True).decode()
    assert "https://inaproc.example.go.id/daftar/konfirmasi/" in body and "internal-hub" not in body


def test_an_empty_security_code_is_named(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.post("/daftar/", {"email": EMAIL, "captcha_0": "x", "captcha_1": ""})
    assert page.status_code == 200
    assert "Security code is empty: type the characters in the picture." in text(page)
