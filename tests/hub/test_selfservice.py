"""The vendor's self-service at the hub (/akun/): user ID, password and identity data, through the test
client in English (the browser asks for it), with a real SMTP server on loopback for the email link."""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from test_activation import LONE, MAJU_B, activate

import chromium
from export_rows import password_of
from satupintu.core.passwords import MIN_LENGTH, PolicyRule, policy_gaps
from satupintu.hub.accounts.validators import PasswordPolicyValidator
from satupintu.hub.activation.models import UserIdChange
from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.events.models import Event
from satupintu.hub.mail.services import send_due
from satupintu.hub.portals.models import Portal
from satupintu.hub.vendors.models import PortalAccount, VendorProfile

pytestmark = pytest.mark.django_db

STRONG = "Baru#2026pass"


@pytest.fixture
def vendor(portal_accounts):
    """SINAR of depkes, activated: a User ID Tunggal with its vendor profile."""
    portal_accounts(LONE)
    return activate(LONE).account.identity


@pytest.fixture
def before(vendor):
    """The last event and audit record before the test acts (activation writes its own)."""
    return {
        "event": Event.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "audit": AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    }


def events(before, **filters):
    return Event.objects.filter(id__gt=before["event"], **filters)


def audits(before, **filters):
    return AuditEvent.objects.filter(id__gt=before["audit"], **filters)


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def signed_in(english, vendor):
    english.force_login(vendor)
    return english


def identity_data(**changes) -> dict:
    data = {
        "name": LONE["name"],
        "address": LONE["address"],
        "province": "32",  # Jawa Barat
        "regency": "32.71",  # Kota Bogor
        "postal_code": LONE["postal_code"],
        "phone": LONE["phone"],
        "email": LONE["email"],
    }
    return {**data, **changes}


def text(response) -> str:
    return response.content.decode()


# Who may come in ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/akun/", "/akun/user-id/", "/akun/kata-sandi/", "/akun/identitas/"])
def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(english, path):
    response = english.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ["/akun/", "/akun/user-id/", "/akun/kata-sandi/", "/akun/identitas/"])
def test_a_staff_account_gets_a_page_that_says_these_pages_are_for_vendors(english, path):
    staff = get_user_model().objects.create_user("helpdesk", password=STRONG, is_staff=True)
    english.force_login(staff)
    response = english.get(path)
    assert response.status_code == 403
    assert "These pages are for vendors" in text(response)
    assert "My account</a>" not in text(response)  # no nav link for staff
    posted = english.post("/akun/user-id/", {"new_user_id": "helpdesk2", "password": STRONG})
    assert posted.status_code == 403
    staff.refresh_from_db()
    assert staff.username == "helpdesk" and not UserIdChange.objects.exists()


def test_the_overview_shows_the_vendors_own_data_and_its_actions(signed_in, vendor):
    page = text(signed_in.get("/akun/"))
    assert "<strong>SINAR</strong>" in page and "CV Sinar Abadi" in page and "0024176547404000" in page
    assert "sinar@abadi.id" in page and "not verified" in page
    for path in ("/akun/identitas/", "/akun/user-id/", "/akun/kata-sandi/"):
        assert f'href="{path}"' in page
    assert 'href="/akun/">My account</a>' in page  # the nav link for vendors


# The way back to a portal -------------------------------------------------------------------------------


def test_an_aggregated_portal_gets_a_way_back_and_keeps_it_across_pages(signed_in):
    lkpp = Portal.objects.get(code="lkpp")
    page = text(signed_in.get("/akun/?portal=lkpp"))
    assert f'<a href="{lkpp.url}">&larr; Back to {lkpp.name}</a>' in page
    assert 'href="/akun/user-id/?portal=lkpp"' in page and 'href="/akun/identitas/?portal=lkpp"' in page
    form_page = text(signed_in.get("/akun/kata-sandi/?portal=lkpp"))
    assert f'href="{lkpp.url}"' in form_page and 'href="/akun/?portal=lkpp"' in form_page
    saved = signed_in.post("/akun/identitas/?portal=lkpp", identity_data(phone="0251 8888 777"))
    assert saved.status_code == 302 and saved["Location"] == "/akun/?portal=lkpp"


@pytest.mark.parametrize(
    "value",
    ["https://evil.example/", "//evil.example", "kotabogor", "LKPP", "lkpp/../x", "javascript:alert(1)"],
)
def test_the_portal_parameter_is_no_open_redirect(signed_in, value):
    response = signed_in.get("/akun/", {"portal": value})
    page = text(response)
    assert response.status_code == 200
    assert "back-to-portal" not in page and "&larr;" not in page
    assert 'href="https://evil' not in page and 'href="//evil' not in page and "kotabogor.go.id" not in page
    assert 'href="/akun/identitas/"' in page  # the links carry no portal parameter
    saved = signed_in.post(f"/akun/identitas/?portal={value}", identity_data())
    assert saved["Location"] == "/akun/"


# User ID ------------------------------------------------------------------------------------------------


def test_a_user_id_change_renames_the_tunggal_everywhere_and_keeps_its_sub(signed_in, vendor, before):
    sub = vendor.sub
    response = signed_in.post("/akun/user-id/", {"new_user_id": "Sinar.Abadi", "password": password_of(LONE)})
    assert response.status_code == 302
    vendor.refresh_from_db()
    account = PortalAccount.objects.get(identity=vendor)
    assert vendor.username == "Sinar.Abadi" and vendor.sub == sub
    assert account.user_id == "Sinar.Abadi" and account.user_id_key == "sinar.abadi"
    change = UserIdChange.objects.get(account=account)
    assert (change.old_user_id, change.new_user_id, change.reason, change.actor) == (
        "SINAR",
        "Sinar.Abadi",
        "self_service",
        vendor,
    )
    audit = audits(before).get(action="account.user_id_changed", object_id=str(account.pk))
    assert audit.data["old"] == "SINAR" and audit.data["new"] == "Sinar.Abadi" and audit.actor == vendor
    told = events(before).get(type="account.user_id_changed")
    assert told.portal.code == "depkes" and told.payload["new_user_id"] == "Sinar.Abadi"
    updated = events(before).get(type="vendor.updated")
    assert updated.portal is None and updated.payload["sub"] == str(sub)
    assert updated.payload["preferred_username"] == "Sinar.Abadi"
    assert "Your user ID is now Sinar.Abadi" in text(signed_in.get("/akun/"))

    # Signing in afterwards: the new user ID in any case works; the old one does not.
    signed_in.post("/accounts/logout/")
    old = signed_in.post("/accounts/login/", {"login": "SINAR", "password": password_of(LONE)})
    assert old.status_code == 200 and "_auth_user_id" not in signed_in.session
    new = signed_in.post("/accounts/login/", {"login": "sinar.abadi", "password": password_of(LONE)})
    assert new.status_code == 302 and signed_in.session["_auth_user_id"] == str(vendor.pk)


def test_a_vendor_may_change_only_the_case_of_its_user_id(signed_in, vendor):
    signed_in.post("/akun/user-id/", {"new_user_id": "Sinar", "password": password_of(LONE)})
    vendor.refresh_from_db()
    assert vendor.username == "Sinar"


def test_a_user_id_held_at_any_portal_in_any_case_is_refused_with_the_field_named(
    signed_in, vendor, portal_accounts, before
):
    portal_accounts(MAJU_B)  # "maju" at kemdiknas, not activated
    page = text(signed_in.post("/akun/user-id/", {"new_user_id": "MAJU", "password": password_of(LONE)}))
    assert "New user ID: this user ID is already used at a portal. Choose another." in page
    spaced = text(
        signed_in.post("/akun/user-id/", {"new_user_id": "sinar abadi", "password": password_of(LONE)})
    )
    assert "without spaces" in spaced
    vendor.refresh_from_db()
    assert vendor.username == "SINAR" and not UserIdChange.objects.exists()
    assert not events(before).filter(type="vendor.updated").exists()


def test_a_wrong_current_password_changes_nothing_and_is_audited(signed_in, vendor, before):
    page = text(signed_in.post("/akun/user-id/", {"new_user_id": "SINAR_BARU", "password": "Salah#2026"}))
    assert "Current password: this is not your password." in page
    vendor.refresh_from_db()
    assert vendor.username == "SINAR"
    assert audits(before).get(action="account.password_rejected").data == {"purpose": "user_id"}


def test_the_current_password_check_is_rate_limited_per_account(signed_in, vendor, before):
    for _ in range(5):
        page = text(
            signed_in.post(
                "/akun/kata-sandi/",
                {"password": "Salah#2026", "new_password1": STRONG, "new_password2": STRONG},
            )
        )
        assert "Current password: this is not your password." in page
    # The sixth try is refused before the password is checked, even the right one, on either page.
    page = text(
        signed_in.post("/akun/user-id/", {"new_user_id": "SINAR_BARU", "password": password_of(LONE)})
    )
    assert "Too many attempts. Wait a few minutes, then try again." in page
    vendor.refresh_from_db()
    assert vendor.username == "SINAR" and vendor.check_password(password_of(LONE))
    assert audits(before).filter(action="account.password_rejected").count() == 5


def test_the_current_password_check_is_rate_limited_per_ip(settings, english, vendor):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "self_service_password": "3/m/ip"}
    other = get_user_model().objects.create_user("TERANG", password=STRONG)
    VendorProfile.objects.create(user=other, home_portal=Portal.objects.get(code="kbn"), name="PT Terang")
    wrong = {"password": "Salah#2026", "new_password1": "Lain#2026pass", "new_password2": "Lain#2026pass"}
    for attempt in range(3):  # from one address, against two accounts: neither reaches its own limit
        english.force_login([vendor, other][attempt % 2])
        assert "this is not your password" in text(english.post("/akun/kata-sandi/", wrong))
    english.force_login(other)
    page = text(english.post("/akun/kata-sandi/", {**wrong, "password": STRONG}))
    assert "Too many attempts" in page
    other.refresh_from_db()
    assert other.check_password(STRONG)


def test_refused_user_ids_are_counted_even_with_the_right_password(
    settings, signed_in, vendor, portal_accounts
):
    """ "Already used at a portal" tells that a user ID exists: probing them is limited like a password."""
    assert "self_service_user_id" in settings.ACCOUNT_RATE_LIMITS
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "self_service_user_id": "3/h/key"}
    portal_accounts(MAJU_B)  # "maju" at kemdiknas
    for _ in range(3):
        page = text(signed_in.post("/akun/user-id/", {"new_user_id": "MAJU", "password": password_of(LONE)}))
        assert "this user ID is already used at a portal" in page
    page = text(signed_in.post("/akun/user-id/", {"new_user_id": "MAJU", "password": password_of(LONE)}))
    assert "Too many attempts" in page and "already used" not in page
    # A free user ID too, until the hour has passed; the password was right, so it is not counted.
    page = text(
        signed_in.post("/akun/user-id/", {"new_user_id": "SINAR_BARU", "password": password_of(LONE)})
    )
    assert "Too many attempts" in page
    vendor.refresh_from_db()
    assert vendor.username == "SINAR" and not UserIdChange.objects.exists()
    assert not AuditEvent.objects.filter(action="account.password_rejected").exists()


# Password -----------------------------------------------------------------------------------------------


def test_a_password_change_under_the_policy_keeps_the_vendor_signed_in(signed_in, vendor, before):
    response = signed_in.post(
        "/akun/kata-sandi/", {"password": password_of(LONE), "new_password1": STRONG, "new_password2": STRONG}
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.check_password(STRONG) and vendor.password.startswith("argon2$argon2id$")
    assert audits(before).filter(action="account.password_changed", actor=vendor).exists()
    # Still signed in here (the session follows the new password); no event carries a password.
    assert "Your password has been changed" in text(signed_in.get("/akun/"))
    for row in [
        *Event.objects.values_list("payload", flat=True),
        *AuditEvent.objects.values_list("data", flat=True),
    ]:
        assert STRONG not in str(row) and password_of(LONE) not in str(row)


POLICY_CASES = [
    ("Ab1#xyz", "The password is too short: use at least 8 characters."),
    ("baru#2026pass", "The password has no upper-case letter: add one (A-Z)."),
    ("BARU#2026PASS", "The password has no lower-case letter: add one (a-z)."),
    ("Baru#duapuluh", "The password has no digit: add one (0-9)."),
    ("Baru2026pass", "The password has no special character: add one, such as ! @ # $ * ?"),
]


@pytest.mark.parametrize(("new", "message"), POLICY_CASES)
def test_each_missing_class_of_the_policy_is_named(signed_in, vendor, new, message):
    page = text(
        signed_in.post(
            "/akun/kata-sandi/", {"password": password_of(LONE), "new_password1": new, "new_password2": new}
        )
    )
    assert message in page
    assert [m for _, m in POLICY_CASES if m in page] == [message]  # only what is missing
    vendor.refresh_from_db()
    assert vendor.check_password(password_of(LONE))


def test_the_two_new_passwords_must_match(signed_in, vendor):
    page = text(
        signed_in.post(
            "/akun/kata-sandi/",
            {"password": password_of(LONE), "new_password1": STRONG, "new_password2": STRONG + "x"},
        )
    )
    assert "The two new passwords differ" in page


def test_the_policy_lists_every_missing_rule():
    assert policy_gaps("") == tuple(PolicyRule)
    assert policy_gaps("abc") == (PolicyRule.LENGTH, PolicyRule.UPPER, PolicyRule.DIGIT, PolicyRule.SPECIAL)
    assert policy_gaps("Kata Sandi 1") == (PolicyRule.SPECIAL,)  # a space is not a special character
    assert policy_gaps("Ümlaut#2026") == ()
    with pytest.raises(ValidationError) as error:
        PasswordPolicyValidator().validate("password")
    assert [e.code for e in error.value.error_list] == [
        "password_policy_upper",
        "password_policy_digit",
        "password_policy_special",
    ]


def test_the_password_page_has_the_strength_meter_and_its_script(signed_in):
    page = text(signed_in.get("/akun/kata-sandi/"))
    assert "/static/satupintu/password-meter.js" in page
    for rule in PolicyRule:
        assert f'data-rule="{rule}"' in page
    assert (
        '<script id="password-strength-levels" type="application/json">["Weak", "Fair", "Good", "Strong"]'
        in page
    )
    script = Path(finders.find("satupintu/password-meter.js")).read_text()
    assert f"MIN_LENGTH = {MIN_LENGTH}" in script  # the meter mirrors the server's policy


# Identity data ------------------------------------------------------------------------------------------


def test_an_identity_edit_updates_the_profile_audits_old_and_new_and_tells_every_portal(
    signed_in, vendor, before
):
    response = signed_in.post(
        "/akun/identitas/",
        identity_data(
            name="CV Sinar Abadi Jaya",
            address="Jl. Raya Cibinong No. 3",
            province="32",
            regency="32.01",  # Kabupaten Bogor
            postal_code="16911",
            phone="021 8765 432",
        ),
    )
    assert response.status_code == 302
    profile = vendor.vendor
    profile.refresh_from_db()
    assert (profile.name, profile.regency, profile.province, profile.postal_code) == (
        "CV Sinar Abadi Jaya",
        "Kabupaten Bogor",
        "Jawa Barat",
        "16911",
    )
    assert profile.npwp_canonical == "0024176547404000"  # not editable here
    audit = audits(before).get(action="vendor.identity_changed")
    assert audit.data["changes"]["regency"] == ["Kota Bogor", "Kabupaten Bogor"]
    assert audit.data["changes"]["name"] == ["CV Sinar Abadi", "CV Sinar Abadi Jaya"]
    assert "province" not in audit.data["changes"]  # unchanged fields are not in the record
    event = events(before).get(type="vendor.updated")
    assert event.portal is None and event.payload["sub"] == str(vendor.sub)
    assert (
        event.payload["vendor"]["regency"] == "Kabupaten Bogor"
        and event.payload["name"] == "CV Sinar Abadi Jaya"
    )
    assert event.payload["email"] == "sinar@abadi.id"


def test_saving_unchanged_data_changes_nothing(signed_in, vendor, before):
    profile = vendor.vendor
    profile.province, profile.regency = "Jawa Barat", "Kota Bogor"
    profile.save()
    signed_in.post("/akun/identitas/", identity_data())
    assert not audits(before).filter(action="vendor.identity_changed").exists()
    assert not events(before).filter(type="vendor.updated").exists()


def test_the_form_starts_from_the_regions_as_imported(signed_in):
    page = text(signed_in.get("/akun/identitas/"))
    assert '<option value="32" selected>Jawa Barat</option>' in page
    assert '<option value="32.71" selected>Kota Bogor</option>' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"province": ""}, "Province is empty: choose the province of the address."),
        (
            {"province": "99"},
            "Province: &#x27;99&#x27; is not an Indonesian province. Choose one from the list.",
        ),
        ({"regency": ""}, "Regency/city is empty: choose the regency or city of the address."),
        ({"regency": "31.71"}, "Regency/city: Kota Administrasi Jakarta Pusat is not in Jawa Barat."),
        ({"postal_code": "1614"}, "A postal code has 5 digits, for example 16143."),
        (
            {"postal_code": "12920"},
            "Postal code 12920 is not used in Kota Bogor, whose postal codes run from 16",
        ),
        ({"phone": "call me"}, "Phone: write an Indonesian number with its area code"),
        ({"phone": "+1 202 555 0100"}, "Phone: write an Indonesian number with its area code"),
        ({"name": ""}, "Enter the vendor&#x27;s name"),
        ({"email": "sinar-at-abadi"}, "Email: this is not an email address."),
    ],
)
def test_a_wrong_identity_field_gets_a_message_naming_it(signed_in, vendor, changes, message, before):
    response = signed_in.post("/akun/identitas/", identity_data(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert not audits(before).filter(action="vendor.identity_changed").exists()
    assert not events(before).exists()


def test_an_empty_imported_province_is_asked_for_not_an_error(signed_in, vendor):
    profile = vendor.vendor
    profile.province = profile.regency = ""
    profile.save()
    page = text(signed_in.get("/akun/identitas/"))
    assert '<option value="" selected>Choose the province</option>' in page
    response = signed_in.post("/akun/identitas/", identity_data(province=""))
    assert "Province is empty" in text(response)


# Email --------------------------------------------------------------------------------------------------


def mail(smtp) -> list:
    """What the SMTP server has received once the outbox's worker has sent what is due."""
    send_due()
    return smtp.messages


def link_in(message) -> str:
    body = message.get_payload(decode=True).decode()
    return urlsplit(re.search(r"https?://\S+/akun/email/konfirmasi/\S+/", body).group(0)).path


def test_a_new_email_is_used_only_after_its_link_is_followed(signed_in, vendor, smtp, before):
    response = signed_in.post(
        "/akun/identitas/", identity_data(email="kantor@sinarabadi.co.id", password=password_of(LONE))
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.email == "sinar@abadi.id"  # not yet
    assert not events(before).filter(type="vendor.updated").exists()
    assert "Waiting for confirmation: <strong>kantor@sinarabadi.co.id</strong>" in text(
        signed_in.get("/akun/")
    )

    [message] = mail(smtp)
    assert message["To"] == "kantor@sinarabadi.co.id" and "SatuPintu" in message["From"]
    link = link_in(message)
    # Opening the link in another browser, signed in or not, asks for one click.
    signed_in.post("/accounts/logout/")
    page = text(signed_in.get(link))
    assert "kantor@sinarabadi.co.id" in page
    vendor.refresh_from_db()
    assert vendor.email == "sinar@abadi.id"
    done = signed_in.post(link)
    assert done.status_code == 200 and "is now your verified email address" in text(done)

    vendor.refresh_from_db()
    assert vendor.email == "kantor@sinarabadi.co.id"
    assert list(EmailAddress.objects.filter(user=vendor).values_list("email", "verified", "primary")) == [
        ("kantor@sinarabadi.co.id", True, True)
    ]
    audit = audits(before).get(action="vendor.email_changed")
    assert audit.data == {"old": "sinar@abadi.id", "new": "kantor@sinarabadi.co.id"}
    event = events(before).get(type="vendor.updated")
    assert event.payload["email"] == "kantor@sinarabadi.co.id" and event.payload["email_verified"] is True
    # A second click changes nothing more.
    signed_in.post(link)
    assert events(before).filter(type="vendor.updated").count() == 1


def test_a_newer_request_replaces_the_older_link(signed_in, vendor, smtp):
    signed_in.post(
        "/akun/identitas/", identity_data(email="satu@sinarabadi.co.id", password=password_of(LONE))
    )
    signed_in.post(
        "/akun/identitas/", identity_data(email="dua@sinarabadi.co.id", password=password_of(LONE))
    )
    first, second = (link_in(m) for m in mail(smtp))
    stale = signed_in.post(first)
    assert stale.status_code == 400 and "a newer link has replaced it" in text(stale)
    assert signed_in.post(second).status_code == 200
    vendor.refresh_from_db()
    assert vendor.email == "dua@sinarabadi.co.id"


def test_the_current_email_can_be_verified(signed_in, vendor, smtp, before):
    signed_in.post("/akun/email/verifikasi/")
    [message] = mail(smtp)
    assert message["To"] == "sinar@abadi.id"
    signed_in.post(link_in(message))
    assert "not verified" not in text(signed_in.get("/akun/"))
    assert audits(before).filter(action="vendor.email_verified").exists()
    assert events(before).get(type="vendor.updated").payload["email_verified"] is True


def test_confirmation_emails_are_limited_per_account(settings, signed_in, vendor, smtp):
    assert "self_service_email" in settings.ACCOUNT_RATE_LIMITS
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "self_service_email": "2/h/key"}
    signed_in.post("/akun/email/verifikasi/")
    signed_in.post(
        "/akun/identitas/", identity_data(email="satu@sinarabadi.co.id", password=password_of(LONE))
    )
    assert [m["To"] for m in mail(smtp)] == ["sinar@abadi.id", "satu@sinarabadi.co.id"]

    refused = signed_in.post("/akun/email/verifikasi/", follow=True)
    assert "Too many confirmation emails have been sent. Wait an hour, then try again." in text(refused)
    page = text(
        signed_in.post(
            "/akun/identitas/",
            identity_data(email="dua@sinarabadi.co.id", phone="0251 999 123", password=password_of(LONE)),
        )
    )
    assert "Too many confirmation emails have been sent." in page
    assert len(mail(smtp)) == 2
    vendor.refresh_from_db()
    assert vendor.vendor.phone == LONE["phone"]  # nothing of the refused form is saved
    assert not EmailAddress.objects.filter(email="dua@sinarabadi.co.id").exists()


def test_an_altered_link_is_refused(signed_in, vendor, smtp):
    signed_in.post(
        "/akun/identitas/", identity_data(email="kantor@sinarabadi.co.id", password=password_of(LONE))
    )
    link = link_in(mail(smtp)[0])
    altered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert signed_in.get(altered).status_code == 400
    assert signed_in.post(altered).status_code == 400
    vendor.refresh_from_db()
    assert vendor.email == "sinar@abadi.id"


def test_with_the_mail_server_down_the_request_is_kept_and_the_link_goes_out_once_it_is_back(
    smtp_down, start_smtp, signed_in, vendor
):
    response = signed_in.post(
        "/akun/identitas/",
        identity_data(email="kantor@sinarabadi.co.id", phone="0251 999 123", password=password_of(LONE)),
        follow=True,
    )
    assert "We are sending a link to kantor@sinarabadi.co.id" in text(response)
    assert send_due().failed == 1
    vendor.refresh_from_db()
    assert vendor.email == "sinar@abadi.id" and vendor.vendor.phone == "0251 999 123"
    assert EmailAddress.objects.filter(user=vendor, email="kantor@sinarabadi.co.id", verified=False).exists()

    inbox = start_smtp()
    assert send_due(now=timezone.now() + timedelta(hours=1)).sent == 1
    assert send_due(now=timezone.now() + timedelta(hours=2)).sent == 0
    (message,) = inbox.messages
    assert message["To"] == "kantor@sinarabadi.co.id"
    assert signed_in.post(link_in(message)).status_code == 200
    vendor.refresh_from_db()
    assert vendor.email == "kantor@sinarabadi.co.id"


# The strength meter, in a real browser -------------------------------------------------------------------


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls next to it stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_meter_marks_each_rule_as_the_vendor_types_and_the_change_goes_through(
    live_server, portal_accounts, browser_page
):
    portal_accounts(LONE)
    vendor = activate(LONE).account.identity
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/akun/kata-sandi/%3Fportal%3Dlkpp")
    page.fill("input[name=login]", "sinar")
    page.fill("input[name=password]", password_of(LONE))
    page.click("button[type=submit]")
    page.wait_for_url("**/akun/kata-sandi/?portal=lkpp")

    def met() -> list[str]:
        return page.eval_on_selector_all(".password-rules li.met", "items => items.map(i => i.dataset.rule)")

    assert page.is_hidden(".strength")  # nothing typed yet
    page.fill("#id_new_password1", "abc")
    assert met() == ["lower"] and page.text_content(".strength-level") == "Weak"
    page.fill("#id_new_password1", "Abc#1")
    assert met() == ["upper", "lower", "digit", "special"] and page.text_content(".strength-level") == "Fair"
    page.fill("#id_new_password1", "Baru#2026")
    assert len(met()) == 5 and page.text_content(".strength-level") == "Good"
    page.fill("#id_new_password1", STRONG)
    assert page.text_content(".strength-level") == "Strong"

    page.fill("#id_password", password_of(LONE))
    page.fill("#id_new_password2", STRONG)
    page.click("button[type=submit]")
    page.wait_for_url("**/akun/?portal=lkpp")
    assert "Your password has been changed" in page.text_content(".messages")
    vendor.refresh_from_db()
    assert vendor.check_password(STRONG)
    # Under Playwright's sync API the test's database connection is not the one pytest-django closes at
    # the end; closing it here lets the test database be dropped.
    connections.close_all()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("", "enter it to change the email address"), ("Wrong#Pw1", "this is not your password")],
)
def test_a_new_email_needs_the_current_password(signed_in, vendor, smtp, password, message):
    before = AuditEvent.objects.filter(action="account.password_rejected").count()
    page = text(
        signed_in.post("/akun/identitas/", identity_data(email="lain@contoh.co.id", password=password))
    )
    assert message in page
    vendor.refresh_from_db()
    assert vendor.email == LONE["email"] and not smtp.messages
    assert not EmailAddress.objects.filter(user=vendor, email="lain@contoh.co.id").exists()
    rejected = AuditEvent.objects.filter(action="account.password_rejected").count() - before
    assert rejected == (1 if password else 0)
