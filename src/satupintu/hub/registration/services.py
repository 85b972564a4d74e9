"""Registration of a new vendor (seed 003, steps 1-7): the mailed link, the NPWP and duplicate checks,
and the submitted registration that waits for its LPSE's verification.

A vendor already known anywhere (an imported account on any portal, a registration in progress, a User
ID Tunggal) is led to activation or to its LPSE instead of a second account. The pages name only the
portals where the NPWP is known; user IDs and contact data of the accounts found never reach an address
that has only proved it receives mail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from satupintu.aggregation.engine import Role, aggregate
from satupintu.aggregation.records import AccountRecord
from satupintu.hub.activation.services import lock_user_id, user_id_available
from satupintu.hub.audit.services import record
from satupintu.hub.mail.services import queue
from satupintu.hub.portals.models import Portal
from satupintu.hub.registration import documents
from satupintu.hub.registration.models import OfficeStatus, Registration, RegistrationLink
from satupintu.hub.vendors.models import PortalAccount, VendorProfile

# How long the mailed link works. A day covers a vendor who reads mail the next morning; the link opens
# a form that creates an account, so it should not work for longer.
LINK_MAX_AGE = timedelta(hours=24)
LINK_HOURS = int(LINK_MAX_AGE.total_seconds() // 3600)  # as the pages and the email say it

# The fields of an address and a name that the engine compares, by the names every source carries.
_IDENTITY = ("name", "address", "province", "regency", "postal_code")
_OPEN_REGISTRATIONS = (Registration.State.SUBMITTED, Registration.State.APPROVED)


class LinkProblem(Exception):
    """The link cannot open a registration; ``link`` is set when it was known."""

    def __init__(self, link: RegistrationLink | None = None) -> None:
        super().__init__()
        self.link = link


class LinkUnknown(LinkProblem):
    pass


class LinkExpired(LinkProblem):
    pass


class LinkUsed(LinkProblem):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(email: str, confirm_url) -> RegistrationLink:
    """Stage 1: mail a single-use link to ``email``. ``confirm_url(token)`` builds the link's address.
    The same happens whether or not the address is known: the page must not tell."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = RegistrationLink.objects.create(
            email=email, token_hash=_hash(token), expires_at=timezone.now() + LINK_MAX_AGE
        )
        body = render_to_string(
            "registration/email_link.txt",
            {"url": confirm_url(token), "hours": LINK_HOURS},
        )
        queue(email, _("Complete your SatuPintu vendor registration"), body, "registration.link")
        record("registration.link_sent", link, email=email)
    return link


def open_link(token: str) -> RegistrationLink:
    """The link of this token, if it can still open a registration (`LinkProblem` otherwise)."""
    return _usable(RegistrationLink.objects.filter(token_hash=_hash(token)).first())


def link_in_progress(pk: int | None) -> RegistrationLink:
    """The link a registration in progress was opened with, checked again: it may have expired, or been
    used in another tab, since (`LinkProblem` otherwise)."""
    return _usable(RegistrationLink.objects.filter(pk=pk).first() if pk else None)


def _usable(link: RegistrationLink | None) -> RegistrationLink:
    if link is None:
        raise LinkUnknown()
    if link.used_at is not None:
        raise LinkUsed(link)
    if link.expires_at <= timezone.now():
        raise LinkExpired(link)
    return link


# Duplicates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownAt:
    """Where a vendor with this NPWP is already registered: portal names, for the page to say."""

    portals: tuple[Portal, ...] = ()
    tunggal: bool = False  # a User ID Tunggal exists for it
    in_progress: bool = False  # a registration waits for verification

    def __bool__(self) -> bool:
        return bool(self.portals or self.tunggal or self.in_progress)


def known_head_office(npwp_canonical: str, office_status: str) -> KnownAt:
    """The NPWP check of stage 2: a head office registering an NPWP that already has a head office (or an
    account of unstated status) is a duplicate. A branch may share its company's NPWP: whether it is a
    new branch is decided with its address, at submission (`submit`)."""
    if office_status != OfficeStatus.PUSAT:
        return KnownAt()
    accounts = PortalAccount.objects.filter(npwp_canonical=npwp_canonical).exclude(status__iexact="cabang")
    portals = Portal.objects.filter(pk__in=accounts.values("portal_id")).order_by("name")
    tunggal = (
        VendorProfile.objects.filter(npwp_canonical=npwp_canonical).exclude(status__iexact="cabang").exists()
    )
    in_progress = Registration.objects.filter(
        npwp_canonical=npwp_canonical, state__in=_OPEN_REGISTRATIONS, office_status=OfficeStatus.PUSAT
    ).exists()
    return KnownAt(tuple(portals), tunggal, in_progress)


def pending_registration(user) -> Registration | None:
    """The registration of ``user`` that waits for its LPSE's verification, if any."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("verifying_portal")
        .filter(account=user, state=Registration.State.SUBMITTED)
        .first()
    )


# Submission ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    """Everything stage 2 collected, checked by its forms."""

    email: str
    legal_form: str
    office_status: str
    npwp_canonical: str
    tax_status: str
    user_id: str
    password: str
    verifying_portal: Portal
    identity: dict[str, str] = field(default_factory=dict)  # VendorIdentityForm.identity_data()


@dataclass(frozen=True)
class Submitted:
    registration: Registration | None = None
    duplicate_of: KnownAt = KnownAt()  # set when the engine puts the vendor with a known account
    user_id_taken: bool = False


def submit(link: RegistrationLink, application: Application) -> Submitted:
    """Stage 2's end: run the duplicate check once more with the address, store the registration, use
    up the link, and mail the user ID and what to bring. Nothing is stored for a duplicate."""
    with transaction.atomic():
        link = RegistrationLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise LinkUsed(link)
        # The same lock and check as a user ID change: no account, hub account or registration holds it.
        lock_user_id(application.user_id)
        if not user_id_available(application.user_id):
            return Submitted(user_id_taken=True)
        same, possible = engine_check(
            AccountRecord(
                portal=application.verifying_portal.code,
                user_id=application.user_id,
                npwp=application.npwp_canonical,
                status=application.office_status,
                **{k: application.identity[k] for k in _IDENTITY},
            )
        )
        if same:
            return Submitted(duplicate_of=same)
        try:
            with transaction.atomic():
                user = _hub_account(application)
                registration = Registration.objects.create(
                    account=user,
                    link=link,
                    email=application.email,
                    legal_form=application.legal_form,
                    office_status=application.office_status,
                    npwp_canonical=application.npwp_canonical,
                    tax_status=application.tax_status,
                    user_id=application.user_id,
                    verifying_portal=application.verifying_portal,
                    possible_duplicates=possible,
                    **application.identity,
                )
        except IntegrityError:  # another registration or account took the user ID a moment ago
            return Submitted(user_id_taken=True)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        record(
            "registration.submitted",
            registration,
            user_id=registration.user_id,
            npwp=registration.npwp_canonical,
            verifying_portal=registration.verifying_portal.code,
            tax_status=registration.tax_status,
            possible_duplicates=possible,
        )
        body = render_to_string(
            "registration/email_submitted.txt",
            {
                "registration": registration,
                "required": documents.required_documents(registration.legal_form),
                "helpful": documents.helpful_documents(registration.legal_form),
            },
        )
        queue(
            registration.email,
            _("SatuPintu registration received: user ID %(user_id)s") % {"user_id": registration.user_id},
            body,
            "registration.submitted",
        )
    return Submitted(registration)


def _hub_account(application: Application):
    """The hub account of a new registration. It signs in only to follow the verification (the helpdesk,
    its own registration); roaming and the vendor pages wait for a vendor profile, which approval adds."""
    user = get_user_model()(
        username=application.user_id,
        email=application.email,
        first_name=application.identity["name"][:150],
    )
    user.set_password(application.password)
    user.save()
    return user


def engine_check(
    new: AccountRecord, besides: Registration | None = None, *, vendor=None
) -> tuple[KnownAt, list[dict]]:
    """The aggregation engine over every account, waiting registration and User ID Tunggal of the new
    vendor's NPWP, with the new vendor (``besides``: its own registration, when it is checked again at
    approval): (where it is the same vendor, the accounts it could not tell apart from it).

    ``vendor`` is a User ID Tunggal checked under a new NPWP: its own accounts are left out, since being
    the same vendor as itself is no duplicate."""
    accounts = PortalAccount.objects.filter(npwp_canonical=new.npwp)
    # A User ID Tunggal whose NPWP was changed at the hub: its portals still export the old one, so only
    # its profile carries the new NPWP.
    changed = VendorProfile.objects.filter(npwp_canonical=new.npwp).exclude(
        user__portal_accounts__npwp_canonical=new.npwp
    )
    if vendor is not None:
        accounts = accounts.exclude(identity=vendor)
        changed = changed.exclude(user=vendor)
    accounts = list(accounts.select_related("portal"))
    profiles = list(changed.select_related("user", "home_portal"))
    waiting = Registration.objects.filter(npwp_canonical=new.npwp, state=Registration.State.SUBMITTED)
    if besides is not None:
        waiting = waiting.exclude(pk=besides.pk)
    pending = list(waiting.select_related("verifying_portal"))
    if not accounts and not pending and not profiles:
        return KnownAt(), []
    records = [
        *(_record_of_account(a) for a in accounts),
        *(_record_of_registration(r) for r in pending),
        *(record_of_profile(p) for p in profiles),
    ]
    # Where each record is registered: a portal, or None for a registration waiting for verification.
    where = [a.portal for a in accounts] + [None] * len(pending) + [p.home_portal for p in profiles]
    same, possible = place_among([*records, new])
    if possible:
        return KnownAt(), [{"portal": records[m].portal, "user_id": records[m].user_id} for m in possible]
    portals = {where[m] for m in same if where[m] is not None}
    return (
        KnownAt(
            tuple(sorted(portals, key=lambda p: p.name)),
            tunggal=any(m >= len(accounts) + len(pending) for m in same),
            in_progress=any(where[m] is None for m in same),
        ),
        [],
    )


def place_among(records: list[AccountRecord]) -> tuple[list[int], list[int]]:
    """Where the engine puts the last of ``records`` among the others (all of one NPWP): (the ones it finds
    to be the same vendor, the ones it cannot tell apart from it). At most one of the two is non-empty.

    An uncertain address puts each side in a group of its own, in review: the accounts it could not tell
    apart are those of the groups its doubts name, so the evidence is kept for them."""
    result = aggregate(records, evidence=True)
    mine = len(records) - 1
    group = result.groups[result.group_of[mine]]
    together = [m for m in group.members if m != mine and m not in group.proposed]
    if result.roles[mine] is not Role.REVIEW:
        return together, []
    doubted = {result.group_of[i] for e in group.evidence for i in (e.a, e.b)} - {result.group_of[mine]}
    beyond = [m for g in sorted(doubted) for m in result.groups[g].members]
    return [], sorted({*together, *beyond})


def check_again(registration: Registration) -> tuple[KnownAt, list[dict]]:
    """The duplicate check of a waiting registration, run again on today's accounts (an import since
    submission may have brought the same vendor): what `submit` would find now."""
    return engine_check(_record_of_registration(registration), besides=registration)


def _record_of_account(account: PortalAccount) -> AccountRecord:
    return _record(account.portal.code, account, account.status, account.packages)


def _record_of_registration(registration: Registration) -> AccountRecord:
    return _record(registration.verifying_portal.code, registration, registration.office_status, 0)


def record_of_profile(profile: VendorProfile) -> AccountRecord:
    """The engine's record of a User ID Tunggal as its vendor profile holds it, at its home portal."""
    return AccountRecord(
        portal=profile.home_portal.code,
        user_id=profile.user.username,
        npwp=profile.npwp_canonical,
        status=profile.status,
        **{name: getattr(profile, name) for name in _IDENTITY},
    )


def _record(portal: str, source, status: str, packages: int) -> AccountRecord:
    """The engine's record of an account or a registration (both carry these fields by these names)."""
    return AccountRecord(
        portal=portal,
        user_id=source.user_id,
        npwp=source.npwp_canonical,
        status=status,
        packages=packages,
        **{name: getattr(source, name) for name in _IDENTITY},
    )
