"""The kinds of qualification data, and the one rule that holds for each: a vendor sees and changes its
own entries only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.portal.qualification import forms
from satupintu.portal.qualification.models import BusinessLicence, Experience, TaxRecord


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[models.Model]
    form: type
    title: str
    columns: tuple[str, ...]


KINDS = {
    k.slug: k
    for k in (
        Kind(
            "izin-usaha",
            BusinessLicence,
            forms.LicenceForm,
            _("Business licences"),
            ("kind", "number", "valid_until", "issuer"),
        ),
        Kind("pajak", TaxRecord, forms.TaxForm, _("Tax returns"), ("year", "receipt_number", "filed_on")),
        Kind(
            "pengalaman",
            Experience,
            forms.ExperienceForm,
            _("Experience"),
            ("work", "client", "contract_value", "completed_on"),
        ),
    )
}


def entries(kind: Kind, owner):
    return kind.model.objects.filter(owner=owner)


def save(form, owner):
    entry = form.save(commit=False)
    entry.owner = owner
    entry.save()
    return entry
