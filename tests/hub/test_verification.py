"""The LPSE's verification of registrations: its queue holds only its own registrations, in person and
online (a helpdesk ticket with PDF scans and a video call), and approval makes a User ID Tunggal."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfWriter
from test_review import client_of, staff

from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.events.models import Event
from satupintu.hub.helpdesk.models import REGISTRATION_TITLE, Status, Ticket
from satupintu.hub.portals.models import Portal
from satupintu.hub.registration import services as registration
from satupintu.hub.registration.models import Registration, RegistrationLink
from satupintu.hub.vendors.models import PortalAccount, State, VendorProfile

pytestmark = pytest.mark.django_db

PASSWORD = "Gedung#Biru2026x"
IDENTITY = {
    "name": "PT Mitra Karya Nusantara",
    "address": "Jl. Pajajaran No. 88 RT 02/RW 07, Kel. Bantarjati",
    "province": "Jawa Barat",
    "regency": "Kota Bogor",
    "postal_code": "16153",
    "phone": "0251 8325943",
}


def submitted(user_id="MITRAKARYA", portal="kotabogor", npwp="0024176547404000", **identity) -> Registration:
    """A registration as stage 2 leaves it, through the registration's own services."""
    link = RegistrationLink.objects.create(
        email=f"{user_id.lower()}@example.co.id",
        token_hash=user_id.ljust(64, "0"),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    result = registration.submit(
        link,
        registration.Application(
            email=link.email,
            legal_form="pt",
            office_status="pusat",
            npwp_canonical=npwp,
            tax_status="valid",
            user_id=user_id,
            password=PASSWORD,
            verifying_portal=Portal.objects.get(code=portal),
            identity={**IDENTITY, **identity},
        ),
    )
    assert result.registration is not None, result
    return result.registration


def pdf_bytes(pages=1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def bogor():
    return staff("verif_bogor", portal="kotabogor", group="Verifikator LPSE")


@pytest.fixture
def jakarta():
    return staff("verif_jakarta", portal="jakarta", group="Verifikator LPSE")


def approve_in_person(client, registration, originals=(0, 1), **extra):
    data = {"method": "in_person", "originals": list(originals), **extra}
    return client.post(f"/verifikasi/{registration.pk}/setujui/", data, follow=True)


def test_a_verifier_sees_only_its_portals_registrations_and_cannot_act_on_others(bogor, jakarta):
    mine = submitted()
    theirs = submitted("TOKOJKT", portal="jakarta", npwp="0031234567082000", address="Jl. Thamrin No. 1")
    page = client_of(bogor).get("/verifikasi/").content.decode()
    assert "MITRAKARYA" in page and "TOKOJKT" not in page

    other = client_of(jakarta)
    assert "MITRAKARYA" not in other.get("/verifikasi/").content.decode()
    assert other.get(f"/verifikasi/{mine.pk}/").status_code == 404
    for action, data in (
        ("setujui", {"method": "in_person", "originals": [0, 1]}),
        ("tolak", {"reason": "Dokumen palsu"}),
        ("jadwal", {"when": "2026-12-01T10:00", "how": "WhatsApp"}),
    ):
        assert other.post(f"/verifikasi/{mine.pk}/{action}/", data).status_code == 404
    mine.refresh_from_db()
    assert mine.state == Registration.State.SUBMITTED and mine.video_call_at is None
    assert not VendorProfile.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="registration.", actor=jakarta).exists()
    # Its own registration it handles.
    assert other.get(f"/verifikasi/{theirs.pk}/").status_code == 200


def test_vendors_and_staff_without_the_permission_have_no_queue(bogor):
    registration_ = submitted()
    vendor = Client()
    vendor.force_login(registration_.account)
    assert vendor.get("/verifikasi/").status_code == 403
    helpdesk_only = staff("helpdesk_bogor", portal="kotabogor", group="Helpdesk LPSE")
    assert client_of(helpdesk_only).get(f"/verifikasi/{registration_.pk}/").status_code == 403


def test_approval_in_person_needs_every_original_and_makes_a_user_id_tunggal(
    bogor, smtp, django_capture_on_commit_callbacks
):
    registration_ = submitted()
    client = client_of(bogor)
    assert "vendor.updated" not in Event.objects.values_list("type", flat=True)

    page = approve_in_person(client, registration_, originals=[0])
    assert page.status_code == 400
    assert "Every original must be seen before approval" in page.content.decode()
    assert "NPWP" in page.content.decode()  # the missing original is named
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        page = approve_in_person(client, registration_, note="Selamat bergabung.")
    assert "The registration is approved" in page.content.decode()
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.APPROVED and registration_.decided_by == bogor
    assert registration_.originals_seen == [0, 1]

    user = registration_.account
    profile = VendorProfile.objects.get(user=user)
    assert profile.home_portal.code == "kotabogor" and profile.npwp_canonical == "0024176547404000"
    assert profile.regency == "Kota Bogor"
    account = PortalAccount.objects.get(user_id_key="mitrakarya")
    assert (account.portal.code, account.state, account.identity, account.verified) == (
        "kotabogor",
        State.ACTIVATED,
        user,
        True,
    )
    assert Event.objects.filter(type="vendor.updated", payload__sub=str(user.sub)).exists()
    event = AuditEvent.objects.get(action="registration.approved")
    assert (
        event.actor == bogor
        and event.data["method"] == "in_person"
        and len(event.data["originals_seen"]) == 2
    )
    mail = smtp.messages[-1]
    assert mail["To"] == registration_.email and "MITRAKARYA" in mail["Subject"]
    assert "Selamat bergabung." in mail.get_payload(decode=True).decode()

    # The vendor signs in with the password it chose at registration.
    assert Client().login(username="mitrakarya", password=PASSWORD)


def test_online_verification_goes_through_a_ticket_with_pdfs_and_a_video_call(
    bogor, smtp, django_capture_on_commit_callbacks
):
    registration_ = submitted()
    vendor = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert vendor.login(username="MITRAKARYA", password=PASSWORD)
    home = vendor.get("/").content.decode()
    assert "waits for the verification of your documents" in home and "/verifikasi/daring/" in home

    refused = vendor.post(
        "/verifikasi/daring/", {"description": "Permohonan", "files": [upload("ktp.pdf", b"MZ not a pdf")]}
    )
    assert refused.status_code == 400 and "ktp.pdf is not a PDF document" in refused.content.decode()
    assert not Ticket.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        opened = vendor.post(
            "/verifikasi/daring/",
            {
                "description": "Permohonan verifikasi PT Mitra Karya, WA 0812 1111 2222",
                "files": [upload("ktp.pdf", pdf_bytes(2))],
            },
        )
    ticket = Ticket.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/bantuan/{ticket.pk}/"
    assert (ticket.title, ticket.portal.code, ticket.registration, ticket.requester) == (
        REGISTRATION_TITLE,
        "kotabogor",
        registration_,
        registration_.account,
    )
    assert ticket.attachments.get().pages == 2
    registration_.refresh_from_db()
    assert registration_.method == "online"
    # A second visit leads to the open ticket instead of a second one.
    assert vendor.get("/verifikasi/daring/")["Location"] == f"/bantuan/{ticket.pk}/"

    client = client_of(bogor)
    detail = client.get(f"/verifikasi/{registration_.pk}/").content.decode()
    assert "ktp.pdf" in detail and f"/bantuan/{ticket.pk}/berkas/" in detail
    early = client.post(f"/verifikasi/{registration_.pk}/setujui/", {"method": "online", "originals": [0, 1]})
    assert early.status_code == 400 and "Schedule the video call first" in early.content.decode()

    when = timezone.localtime() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = client.post(
            f"/verifikasi/{registration_.pk}/jadwal/",
            {"when": when.strftime("%Y-%m-%dT%H:%M"), "how": "Video call WhatsApp dari 0251 8325943"},
            follow=True,
        )
    assert "The video call is scheduled" in scheduled.content.decode()
    call_mail = smtp.messages[-1]
    assert call_mail["To"] == registration_.email
    assert "Video call WhatsApp dari 0251 8325943" in call_mail.get_payload(decode=True).decode()
    assert ticket.activities.filter(kind="schedule").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/verifikasi/{registration_.pk}/setujui/", {"method": "online", "originals": [0, 1]})
    registration_.refresh_from_db()
    ticket.refresh_from_db()
    assert registration_.state == Registration.State.APPROVED and registration_.method == "online"
    assert ticket.status == Status.CLOSED and ticket.activities.filter(kind="decision").exists()
    assert VendorProfile.objects.filter(user=registration_.account).exists()


def test_a_rejection_needs_a_reason_closes_the_account_and_tells_the_vendor(
    bogor, smtp, django_capture_on_commit_callbacks
):
    registration_ = submitted()
    client = client_of(bogor)
    empty = client.post(f"/verifikasi/{registration_.pk}/tolak/", {"reason": "  "})
    assert empty.status_code == 400 and "Write the reason for the rejection" in empty.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/verifikasi/{registration_.pk}/tolak/", {"reason": "NPWP pada dokumen berbeda."})
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.REJECTED
    assert registration_.decision_reason == "NPWP pada dokumen berbeda."
    assert not registration_.account.is_active
    assert not Client().login(username="MITRAKARYA", password=PASSWORD)
    assert "NPWP pada dokumen berbeda." in smtp.messages[-1].get_payload(decode=True).decode()
    assert (
        AuditEvent.objects.get(action="registration.rejected").data["reason"] == "NPWP pada dokumen berbeda."
    )
    # Decided once: a second decision is refused.
    again = approve_in_person(client, registration_)
    assert "decided already" in again.content.decode()
    assert not VendorProfile.objects.exists()


def test_a_rejected_online_registration_closes_its_ticket_without_asking_for_an_evaluation(
    bogor, smtp, django_capture_on_commit_callbacks
):
    registration_ = submitted()
    vendor = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert vendor.login(username="MITRAKARYA", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        vendor.post(
            "/verifikasi/daring/", {"description": "Permohonan", "files": [upload("ktp.pdf", pdf_bytes())]}
        )
    sent = len(smtp.messages)
    with django_capture_on_commit_callbacks(execute=True):
        client_of(bogor).post(f"/verifikasi/{registration_.pk}/tolak/", {"reason": "Dokumen tidak terbaca."})
    assert Ticket.objects.get().status == Status.CLOSED
    # The decision alone: the account is closed, so no "evaluate the ticket" email follows it.
    (decision,) = smtp.messages[sent:]
    assert "Registration rejected" in decision["Subject"]


def test_approval_checks_duplicates_again_on_todays_accounts(bogor, portal_accounts):
    from test_activation import LONE

    registration_ = submitted(npwp="0024176547404000")
    desk = client_of(bogor)
    detail = desk.get(f"/verifikasi/{registration_.pk}/").content.decode()
    assert "No other vendor is registered with this NPWP at this address." in detail
    # Since submission, an import brought the same company at the same address.
    portal_accounts(
        {**LONE, "npwp": "02.417.654.7-404.000", "address": IDENTITY["address"], "postal_code": "16153"}
    )
    detail = desk.get(f"/verifikasi/{registration_.pk}/").content.decode()
    assert "Approval will be refused" in detail and "LPSE Kementerian Kesehatan" in detail
    page = approve_in_person(desk, registration_)
    assert page.status_code == 400
    assert "already registered at" in page.content.decode()
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.SUBMITTED
    assert not VendorProfile.objects.exists()


def test_the_verifier_sees_accounts_an_import_brought_that_the_engine_cannot_tell_apart(
    bogor, portal_accounts
):
    from test_activation import LONE

    registration_ = submitted(npwp="0024176547404000")
    assert registration_.possible_duplicates == []
    # Since submission: the same NPWP on the same street, without its number.
    portal_accounts({**LONE, "address": "Jalan Pajajaran", "postal_code": "16153"})
    detail = client_of(bogor).get(f"/verifikasi/{registration_.pk}/").content.decode()
    assert "cannot tell whether these accounts" in detail and "depkes / SINAR" in detail


def test_a_registrant_roams_only_once_approved(bogor):
    from satupintu.hub.sso.services import RoamingDenied, create_client, roaming_decision

    client_id, _secret = create_client("jakarta", "http://127.0.0.1:9/callback")
    registration_ = submitted()
    user = registration_.account
    assert roaming_decision(user, client_id).denied is RoamingDenied.NOT_A_VENDOR
    approve_in_person(client_of(bogor), registration_)
    user.refresh_from_db()
    decision = roaming_decision(user, client_id)
    assert decision.denied is None and decision.portal.code == "jakarta"


@pytest.mark.parametrize("portal", ["kotabogor", "jakarta"])
def test_approval_refuses_a_user_id_that_an_import_brought_since_submission(bogor, portal_accounts, portal):
    from test_activation import LONE

    registration_ = submitted()
    # Another company (another NPWP, another address) with the same user ID, at the verifying portal
    # (which cannot hold two accounts of it) or at another one (two vendors behind one user ID).
    portal_accounts({**LONE, "portal": portal, "user_id": "mitrakarya", "npwp": "01.312.166.0-091.000"})
    page = approve_in_person(client_of(bogor), registration_)
    assert page.status_code == 400
    assert "The user ID MITRAKARYA is now also used by an account imported at" in page.content.decode()
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.SUBMITTED
    assert not VendorProfile.objects.exists()
    assert not PortalAccount.objects.filter(state=State.ACTIVATED).exists()


def test_an_import_that_takes_the_user_id_during_approval_is_a_refusal_not_an_error(
    bogor, portal_accounts, monkeypatch
):
    from test_activation import LONE

    from satupintu.hub.verification import services as verification

    registration_ = submitted()
    portal_accounts({**LONE, "portal": "kotabogor", "user_id": "mitrakarya", "npwp": "01.312.166.0-091.000"})
    # The import commits after approval's check has looked: the check finds nothing, the insert fails.
    monkeypatch.setattr(verification, "_check_user_id_free", lambda registration: None)
    page = approve_in_person(client_of(bogor), registration_)
    assert page.status_code == 400
    assert "is now also used by an account imported at LPSE Kota Bogor" in page.content.decode()
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.SUBMITTED and not VendorProfile.objects.exists()


def test_a_registration_without_an_account_is_refused_approval_and_can_be_rejected(bogor):
    registration_ = submitted()
    Registration.objects.filter(pk=registration_.pk).update(account=None)
    client = client_of(bogor)
    page = approve_in_person(client, registration_)
    assert page.status_code == 400 and "has no account to approve" in page.content.decode()
    assert not VendorProfile.objects.exists()

    rejected = client.post(f"/verifikasi/{registration_.pk}/tolak/", {"reason": "Daftar ulang."})
    assert rejected.status_code == 302
    registration_.refresh_from_db()
    assert registration_.state == Registration.State.REJECTED
    assert AuditEvent.objects.filter(action="registration.rejected").exists()
