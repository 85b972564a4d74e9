"""Packages and registering for them."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from satupintu.portal.tenders.models import Package, Registration


class Registered(enum.StrEnum):
    REGISTERED = "registered"
    ALREADY = "already"  # this vendor is registered for this package already
    CLOSED = "closed"
    NOT_A_VENDOR = "not_a_vendor"  # staff take no part in packages


def packages():
    """Every package with its count of participants."""
    return Package.objects.annotate(participants=Count("registrations"))


def register(account, package: Package) -> Registered:
    if account.is_staff:
        return Registered.NOT_A_VENDOR
    if not package.is_open:
        return Registered.CLOSED
    try:
        with transaction.atomic():
            Registration.objects.create(package=package, vendor=account)
    except IntegrityError:
        # Two clicks at once: the constraint lets one through.
        return Registered.ALREADY
    return Registered.REGISTERED


def is_registered(account, package: Package) -> bool:
    return account.is_authenticated and Registration.objects.filter(package=package, vendor=account).exists()


# A portal's own packages for the demo and the tests: realistic, the same at every start.
_SAMPLES = (
    ("Pembangunan Gedung Kantor Dinas Tahap II", "Tender", 4_850_000_000, 30),
    ("Pengadaan Alat Kesehatan Puskesmas", "Tender", 1_275_500_000, 21),
    ("Jasa Konsultansi Pengawasan Jalan Provinsi", "Seleksi", 640_000_000, 14),
    ("Pengadaan Kendaraan Operasional", "Tender", 2_100_000_000, -5),
)


def ensure_samples(portal_code: str, agency: str) -> int:
    """Create the sample packages once; returns how many were created."""
    today = timezone.localdate()
    created = 0
    for number, (name, method, budget, days) in enumerate(_SAMPLES, start=1):
        _, made = Package.objects.get_or_create(
            code=f"{portal_code.upper()}-{today.year}-{number:03d}",
            defaults={
                "name": name,
                "agency": agency,
                "method": method,
                "budget": Decimal(budget),
                "registration_closes": today + dt.timedelta(days=days),
            },
        )
        created += made
    return created
