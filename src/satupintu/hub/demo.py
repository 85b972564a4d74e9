"""The demo hub: the registry, imported exports (showcase cases plus synthetic data), aggregation, the
staff logins, a registration waiting for its verification, and helpdesk tickets."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from satupintu import config
from satupintu.aggregation.io import REQUIRED_COLUMNS, split_by_portal

# Each line shows one case of the aggregation rules; the synthetic data adds thousands of ordinary ones.
SHOWCASE = (
    # The FAQ's example: CAHAYA at LKPP and PT_CAHAYA at another portal, one NPWP, one address.
    (
        "lkpp",
        "CAHAYA",
        "01.312.166.0-091.000",
        "PT Cahaya",
        "Jl. Jend. Sudirman No. 5 RT 03/RW 05, Kel. Karet",
        "DKI Jakarta",
        "Kota Adm. Jakarta Selatan",
        "12920",
        "info@cahaya.co.id",
        "12",
        "2010-09-20",
    ),
    (
        "jakarta",
        "PT_CAHAYA",
        "0013121660091000",
        "PT. CAHAYA",
        "JALAN SUDIRMAN NOMOR 05 RT.003 RW.005",
        "DKI Jakarta",
        "Jakarta Selatan",
        "12920",
        "info@cahaya.co.id",
        "3",
        "2011-03-02",
    ),
    # One NPWP, two branches on one street: different places, so two groups (case 2a).
    (
        "lkpp",
        "SINAR_BGR",
        "02.417.654.7-404.000",
        "CV Sinar Abadi",
        "Jl. Pajajaran No. 12",
        "Jawa Barat",
        "Kota Bogor",
        "16143",
        "sinar@abadi.id",
        "4",
        "2012-01-10",
    ),
    (
        "jakarta",
        "SINAR_BGR2",
        "02.417.654.7-404.000",
        "CV Sinar Abadi Cabang",
        "Jl. Pajajaran No. 21",
        "Jawa Barat",
        "Kota Bogor",
        "16143",
        "sinar@abadi.id",
        "1",
        "2013-05-10",
    ),
    # One user ID held by two different vendors (case 1): both must change it.
    (
        "lkpp",
        "MAJU",
        "03.555.120.9-011.000",
        "PT Maju Jaya",
        "Jl. Diponegoro No. 7",
        "Jawa Tengah",
        "Kota Semarang",
        "50241",
        "maju@jaya.co.id",
        "2",
        "2014-02-02",
    ),
    (
        "jakarta",
        "maju",
        "04.777.300.7-222.000",
        "CV Maju Bersama",
        "Jl. Merdeka No. 3",
        "Jawa Timur",
        "Kota Malang",
        "65119",
        "cv@maju.id",
        "0",
        "2015-07-07",
    ),
    # A vendor registered at one portal only: it activates as its own User ID Tunggal.
    (
        "lkpp",
        "TUNAS",
        "06.234.567.3-012.000",
        "CV Tunas Muda",
        "Jl. Gatot Subroto No. 88",
        "Jawa Barat",
        "Kota Bandung",
        "40262",
        "tunas@muda.id",
        "5",
        "2017-03-03",
    ),
    # A portal that has not joined aggregation: its vendors sign in there, and only there.
    (
        "kotabogor",
        "BOGOR_MANDIRI",
        "07.345.678.2-404.000",
        "CV Bogor Mandiri",
        "Jl. Suryakencana No. 15",
        "Jawa Barat",
        "Kota Bogor",
        "16123",
        "bogor@mandiri.id",
        "2",
        "2018-04-04",
    ),
    # The FAQ's "Oops": an empty province is a finding for review, not an error page.
    (
        "jakarta",
        "KARYA_PTK",
        "05.123.456.5-701.000",
        "PT Karya Khatulistiwa",
        "Jl. Gajah Mada No. 40",
        "",
        "Kota Pontianak",
        "78121",
        "karya@ptk.id",
        "1",
        "2016-08-08",
    ),
)
# The showcase rows carry every required column but the phone.
SHOWCASE_COLUMNS = tuple(c for c in REQUIRED_COLUMNS if c != "phone")
# Every showcase vendor has this password at its portal, stored as older SPSE versions store it (bare
# MD5), so the demo also shows the upgrade to argon2id at the first sign-in.
VENDOR_PASSWORD = "Penyedia#2026"  # noqa: S105 - a published demo password
DEMO_LOGINS = (
    ("admin", "Admin#Demo2026", "superuser: everything, including adding portals"),
    (
        "direktorat",
        "Direktorat#Demo2026",
        "Directorate staff: browse portals, accounts, groups, findings (read only)",
    ),
    (
        "verifikator_jakarta",
        "Verifikator#Demo2026",
        "LPSE Jakarta's verifier: the review queue at /tinjauan/ (KARYA_PTK), the registrations at "
        "/verifikasi/ (MITRA_DEMO) and its helpdesk tickets at /bantuan/",
    ),
    (
        "helpdesk_jakarta",
        "Helpdesk#Demo2026",
        "LPSE Jakarta's helpdesk: its tickets and reports at /bantuan/",
    ),
    (
        "MITRA_DEMO",
        "Mitra#Demo2026",
        "a vendor registered at /daftar/, waiting for LPSE Jakarta's verification: verify online from the home page",
    ),
    (
        "WARGA_DEMO",
        "Warga#Demo2026",
        "a helpdesk account of the public: two tickets at LPSE Jakarta, one answered, one closed and evaluated",
    ),
)
# Who each staff login is: (is_staff for the admin, portal, group).
_STAFF = {
    "admin": (True, None, None),
    "direktorat": (True, None, "Direktorat"),
    "verifikator_jakarta": (False, "jakarta", "Verifikator LPSE"),
    "helpdesk_jakarta": (False, "jakarta", "Helpdesk LPSE"),
}
# The portals the demo runs next to the hub: two aggregated, one not (port offsets from the hub's).
DEMO_PORTALS = (("lkpp", 1, True), ("jakarta", 2, True), ("kotabogor", 3, False))
PORTAL_ADMIN_PASSWORD = "AdminLpse#2026"  # noqa: S105 - a published demo password
# What each showcase vendor shows, in the order a visitor would try them.
DEMO_VENDORS = (
    ("lkpp", "TUNAS", "no duplicate: activates as its own User ID Tunggal"),
    ("lkpp", "CAHAYA", "single of the FAQ's group: activates; roaming to jakarta waits for PT_CAHAYA"),
    ("jakarta", "PT_CAHAYA", "member: the page names CAHAYA at lkpp; link it with CAHAYA's password"),
    ("lkpp", "MAJU", "user-ID collision with 'maju' at jakarta: choose a new user ID"),
    ("jakarta", "maju", "the other side of the collision"),
    ("lkpp", "SINAR_BGR", "branches on one NPWP: two User IDs Tunggal, one per address"),
    ("jakarta", "SINAR_BGR2", "the other branch"),
    ("jakarta", "KARYA_PTK", "review: empty province; verifikator_jakarta corrects it, then it activates"),
    ("kotabogor", "BOGOR_MANDIRI", "a portal without aggregation: local sign-in only, no INAPROC button"),
)


def _exports(accounts: int, folder: Path) -> dict[str, Path]:
    """Write one export per portal: the showcase rows and the synthetic ones."""
    from satupintu.aggregation import synth

    folder.mkdir(parents=True, exist_ok=True)
    all_rows = folder / "all.csv"
    synth.write(accounts, 2026, all_rows)
    spse_hash = hashlib.md5(VENDOR_PASSWORD.encode(), usedforsecurity=False).hexdigest()
    showcase = (
        {**dict(zip(SHOWCASE_COLUMNS, row, strict=True)), "password_hash": spse_hash} for row in SHOWCASE
    )
    return split_by_portal(all_rows, folder, showcase)


def _staff() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from satupintu.hub.portals.models import Portal

    User = get_user_model()

    viewers, _ = Group.objects.get_or_create(name="Direktorat")
    viewers.permissions.set(
        Permission.objects.filter(
            codename__startswith="view_",
            content_type__app_label__in=["portals", "vendors", "groups", "audit"],
        )
    )
    for username, password, _purpose in DEMO_LOGINS:
        if username not in _STAFF:
            continue
        is_staff, portal, group = _STAFF[username]
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = is_staff  # LPSE staff work in their queues, not the admin
        user.is_superuser = username == "admin"
        user.set_password(password)
        user.portal = Portal.objects.get(code=portal) if portal else None
        user.save()
        if group:
            user.groups.add(viewers if group == "Direktorat" else Group.objects.get(name=group))


def _registration() -> None:
    """A vendor that registered through /daftar/ and waits for LPSE Jakarta's verification."""
    from datetime import timedelta

    from django.utils import timezone

    from satupintu.hub.portals.models import Portal
    from satupintu.hub.registration import services
    from satupintu.hub.registration.models import Registration, RegistrationLink

    if Registration.objects.filter(user_id="MITRA_DEMO").exists():
        return
    link = RegistrationLink.objects.create(
        email="direksi@mitrademo.co.id",
        token_hash="demo".ljust(64, "0"),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    password = next(p for u, p, _ in DEMO_LOGINS if u == "MITRA_DEMO")
    services.submit(
        link,
        services.Application(
            email=link.email,
            legal_form="cv",
            office_status="pusat",
            npwp_canonical="0024176547404000",
            tax_status="unknown",
            user_id="MITRA_DEMO",
            password=password,
            verifying_portal=Portal.objects.get(code="jakarta"),
            identity={
                "name": "CV Mitra Demo Sejahtera",
                "address": "Jl. Kramat Raya No. 45 RT 04/RW 02, Kel. Kenari",
                "province": "DKI Jakarta",
                "regency": "Kota Administrasi Jakarta Pusat",
                "postal_code": "10430",
                "phone": "0812 3456 7890",
            },
        ),
    )


def _helpdesk() -> None:
    """A member of the public with two tickets at LPSE Jakarta, so that the helpdesk's list, thread,
    service target, evaluation and reports show something: one answered and waiting for the requester,
    one taken by phone, solved, closed and evaluated."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from satupintu.hub.helpdesk import services
    from satupintu.hub.helpdesk.models import Category, Kind, PublicAccount, Source, Status
    from satupintu.hub.portals.models import Portal

    User = get_user_model()
    if User.objects.filter(username="WARGA_DEMO").exists():
        return
    requester = User(username="WARGA_DEMO", email="warga@example.id", first_name="Siti Rahmawati")
    requester.set_password(next(p for u, p, _ in DEMO_LOGINS if u == "WARGA_DEMO"))
    requester.save()
    PublicAccount.objects.create(user=requester, confirmed_at=timezone.now())
    officer = User.objects.get(username="helpdesk_jakarta")
    jakarta = Portal.objects.get(code="jakarta")

    question = services.open_ticket(
        requester,
        services.NewTicket(
            title="Syarat kualifikasi paket konstruksi",
            category=Category.OTHER,
            description="Apakah SBU wajib diunggah sebelum mendaftar paket konstruksi di LPSE Jakarta?",
            source=Source.WEB,
            kind=Kind.QUESTION,
            portal=jakarta,
        ),
    )
    services.reply(
        question,
        officer,
        "SBU diisi di menu Data Kualifikasi portal LPSE. Mohon sebutkan kode paket yang dimaksud.",
        status=Status.WAITING_FOR_VENDOR,
    )

    problem = services.open_ticket(
        requester,
        services.NewTicket(
            title="Tidak bisa masuk dengan INAPROC",
            category=Category.ACTIVATION,
            description="Tombol Masuk dengan INAPROC menolak akun kami di LPSE Jakarta.",
            source=Source.PHONE,
            kind=Kind.PROBLEM,
            portal=jakarta,
        ),
        actor=officer,
    )
    services.reply(
        problem,
        officer,
        "Akun di LPSE Jakarta adalah anggota grup: aktivasikan dengan kata sandi User ID Tunggal. Selesai.",
        status=Status.CLOSED,
    )
    fields = ("service_1", "service_2", "service_3", "service_4", "service_5", "service_6")
    services.evaluate(
        problem,
        requester,
        {**dict.fromkeys(fields, 4), "service_5": 3, "problem_1": 4, "problem_2": 3},
        "Dijawab cepat lewat telepon.",
    )


def _migrate(console: Console) -> None:
    """Bring the demo database up to date; one made by an earlier, incompatible version of the demo is
    started afresh (it holds demo data only, which the demo imports again)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.exceptions import InconsistentMigrationHistory

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except InconsistentMigrationHistory:
        if connection.vendor != "sqlite":
            raise
        path = Path(connection.settings_dict["NAME"])
        console.print(f"the demo database {path.name} was made by an earlier version: starting it afresh")
        connection.close()
        path.unlink()
        call_command("migrate", interactive=False, verbosity=0)


def prepare(accounts: int, console: Console) -> tuple[tuple[str, str, str], ...]:
    from django.core.management import call_command

    from satupintu.hub.groups.services import aggregate_all
    from satupintu.hub.vendors.services import import_accounts

    _migrate(console)
    call_command("createcachetable", verbosity=0)
    for portal, path in sorted(_exports(accounts, config.data_dir() / "demo-exports").items()):
        summary = import_accounts(portal, path)
        console.print(
            f"imported {portal}: {summary.rows} rows, {summary.created} new, {summary.rejected} rejected"
        )
    summary = aggregate_all()
    console.print(
        f"aggregated {summary['accounts']} accounts into {summary['groups']} groups "
        f"({summary['groups_of_two_or_more']} with two or more accounts, {summary.get('role_review', 0)} in review)"
    )
    _staff()
    _registration()
    _helpdesk()
    return DEMO_LOGINS


@dataclass(frozen=True)
class DemoPortal:
    """One portal the demo runs, with what its process needs to talk to the hub."""

    code: str
    name: str
    port: int
    aggregated: bool
    export: Path
    client_id: str = ""
    client_secret: str = ""
    webhook_secret: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def connect_portals(hub_port: int) -> list[DemoPortal]:
    """Register the demo's portals at the hub as they run on this machine: their address, a fresh OpenID
    Connect client and webhook for each aggregated one (the previous run's are removed: their secrets
    are gone with the processes that held them)."""
    from allauth.idp.oidc.models import Client

    from satupintu.hub.events.services import set_subscription
    from satupintu.hub.portals.models import Portal
    from satupintu.hub.sso.services import create_client

    exports = config.data_dir() / "demo-exports"
    portals = []
    for code, offset, aggregated in DEMO_PORTALS:
        port = hub_port + offset
        portal = Portal.objects.get(code=code)
        portal.url = f"http://127.0.0.1:{port}/"
        portal.save(update_fields=["url", "updated_at"])
        demo = DemoPortal(code, portal.name, port, aggregated, exports / f"{code}.csv")
        if aggregated:
            Client.objects.filter(portal_link__portal=portal).delete()
            client_id, client_secret = create_client(code, f"{demo.url}/masuk/inaproc/callback")
            _, webhook_secret = set_subscription(code, f"{demo.url}/hooks/satupintu")
            demo = dataclasses.replace(
                demo, client_id=client_id, client_secret=client_secret, webhook_secret=webhook_secret
            )
        portals.append(demo)
    return portals
