"""Legal forms of a vendor and the original documents its LPSE verifies for each (seed 003)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    PT = "pt", _("PT (limited company)")
    CV = "cv", _("CV (limited partnership)")
    FIRMA = "firma", _("Firma (general partnership)")
    KOPERASI = "koperasi", _("Koperasi (cooperative)")
    UD = "ud", _("UD (trading business)")
    PERORANGAN = "perorangan", _("Perorangan (individual)")
    ASING = "asing", _("Foreign company without an office in Indonesia")


_BUSINESS_ENTITY = (
    _(
        "Identity card (KTP, KITAS or KITAP, issued by the Government of Indonesia) of the director, "
        "official or head of the company"
    ),
    _("The company's NPWP"),
)
# A UD has no legal personality: its owner answers for it, as an individual business does.
_INDIVIDUAL = (
    _("Identity card (KTP) of the owner of the business"),
    _("The owner's NPWP"),
)
_FOREIGN = (
    _("Deed or certificate of establishment (Article of Incorporation)"),
    _("Tax identification of the company"),
)

# Brought to help fill in the qualification data (SIKaP), not verified.
_BUSINESS_EXTRA = (_("Business licences for your fields, and the company's deed"),)
_INDIVIDUAL_EXTRA = (_("Tax payment slips (SSP)"),)

_DOCUMENTS = {
    LegalForm.PT: (_BUSINESS_ENTITY, _BUSINESS_EXTRA),
    LegalForm.CV: (_BUSINESS_ENTITY, _BUSINESS_EXTRA),
    LegalForm.FIRMA: (_BUSINESS_ENTITY, _BUSINESS_EXTRA),
    LegalForm.KOPERASI: (_BUSINESS_ENTITY, _BUSINESS_EXTRA),
    LegalForm.UD: (_INDIVIDUAL, _INDIVIDUAL_EXTRA),
    LegalForm.PERORANGAN: (_INDIVIDUAL, _INDIVIDUAL_EXTRA),
    LegalForm.ASING: (_FOREIGN, _BUSINESS_EXTRA),
}


def required_documents(legal_form: str) -> tuple:
    """The originals the verifier checks for this legal form."""
    return _DOCUMENTS[LegalForm(legal_form)][0]


def helpful_documents(legal_form: str) -> tuple:
    """What to bring as well, for help with the qualification data."""
    return _DOCUMENTS[LegalForm(legal_form)][1]
