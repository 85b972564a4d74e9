"""The documents each service request needs (seed 004, FAQ 8-10), as the LPSE's officer ticks them.

The three lists differ only in the NPWP (the old and the new one for an NPWP change) and in the letter's
subject. An item that applies only in some cases (a proxy) is not needed for approval; every other one
is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The requests handled with documents. The values are the helpdesk categories of their tickets."""

    PASSWORD_RESET = "password_reset", _("Password reset by documents")
    NPWP_CHANGE = "npwp_change", _("NPWP change")
    EMAIL_CHANGE = "email_change", _("Email change")


@dataclass(frozen=True)
class Document:
    text: str
    always: bool = True  # False: needed only in the case the text names


_IDENTITY_CARD = Document(
    _("ID card (KTP) of the director, owner or authorised officer of the company: original and copy")
)
_NPWP = Document(_("The company's NPWP: original and copy"))
_OLD_AND_NEW_NPWP = Document(_("The company's old and new NPWP: originals and copies"))
_LICENCE = Document(
    _(
        "Business licence for the company's field (SIUP, SIUJK or the licence the law requires): "
        "original and copy"
    )
)
_DEEDS = Document(
    _("Deed of establishment of the company, and its latest deed of amendment if any: originals and copies")
)
_PROXY = Document(
    _("Power of attorney from the director, with duty stamp (meterai), if submitted by a proxy"),
    always=False,
)

_LETTERS = {
    Kind.PASSWORD_RESET: _(
        "Letter requesting the password reset, with duty stamp (meterai), signed by the director, with "
        "its attachments if any: original and copy"
    ),
    Kind.NPWP_CHANGE: _(
        "Letter requesting the change of the company's NPWP, with duty stamp (meterai), signed by the "
        "director, with its attachments if any: original and copy"
    ),
    Kind.EMAIL_CHANGE: _(
        "Letter requesting the change of the company's email address, with duty stamp (meterai), signed "
        "by the director, with its attachments if any: original and copy"
    ),
}


def checklist(kind: str) -> tuple[Document, ...]:
    """The documents of a request of this kind, in the order of the FAQ."""
    kind = Kind(kind)
    npwp = _OLD_AND_NEW_NPWP if kind == Kind.NPWP_CHANGE else _NPWP
    return (_IDENTITY_CARD, npwp, _LICENCE, _DEEDS, Document(_LETTERS[kind]), _PROXY)


def missing(kind: str, presented: list[int]) -> list[str]:
    """The documents always needed that are not among the ``presented`` (their positions)."""
    ticked = set(presented)
    return [str(d.text) for i, d in enumerate(checklist(kind)) if d.always and i not in ticked]


def texts(kind: str, presented: list[int]) -> list[str]:
    """The ``presented`` documents by their text, for the audit and the ticket's thread."""
    documents = checklist(kind)
    return [str(documents[i].text) for i in sorted(set(presented)) if 0 <= i < len(documents)]
