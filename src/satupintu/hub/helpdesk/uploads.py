"""Checking an uploaded document: at most 4 MB (seed 003) and really a PDF, judged by its content.

The name and the browser's content type are the sender's word; the bytes are not. A file passes when it
starts with the PDF header and pypdf can read its page tree without a password, so that the verifier
can open what the vendor sent.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 4 * 1024 * 1024
MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
MAX_FILES = 10  # per upload: the documents of one legal form, with room for a few pages apart

# pypdf warns about every small defect it repairs: not the user's business, nor the log's.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class NotAcceptable(ValueError):
    """The file cannot be taken; the message names the file and says how to fix it."""


@dataclass(frozen=True)
class CheckedPdf:
    name: str
    content: bytes
    pages: int
    sha256: str


def check_pdf(name: str, chunks) -> CheckedPdf:
    """Read an upload (an iterable of byte chunks) and return it checked, or raise `NotAcceptable`.
    Reading stops as soon as the size passes the limit."""
    buffer = bytearray()
    for chunk in chunks:
        buffer.extend(chunk)
        if len(buffer) > MAX_BYTES:
            raise NotAcceptable(
                _("%(name)s is larger than %(limit)d MB: compress it or split it into several PDFs.")
                % {"name": name, "limit": MAX_MEGABYTES}
            )
    content = bytes(buffer)
    if not content:
        raise NotAcceptable(_("%(name)s is empty.") % {"name": name})
    not_pdf = _("%(name)s is not a PDF document: save or scan it as PDF and upload it again.") % {
        "name": name
    }
    if not content[:1024].lstrip().startswith(b"%PDF-"):
        raise NotAcceptable(not_pdf)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise NotAcceptable(
                _("%(name)s is protected by a password: upload it without the protection.") % {"name": name}
            )
        pages = len(reader.pages)
    except NotAcceptable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        # A damaged file: the header says PDF, the rest does not hold together.
        raise NotAcceptable(not_pdf) from None
    if pages == 0:
        raise NotAcceptable(_("%(name)s has no pages.") % {"name": name})
    return CheckedPdf(name=name, content=content, pages=pages, sha256=hashlib.sha256(content).hexdigest())
