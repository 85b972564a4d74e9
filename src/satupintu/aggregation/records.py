"""The account record that every front end hands to the engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class AccountRecord:
    """One vendor account at one portal, as a portal's SPSE export describes it.

    ``registered_at`` is ISO 8601 text ("2011-05-04" or "2011-05-04T10:00:00"), so that ordering the text
    orders the instants; an empty string means unknown and sorts last.

    The reader (`aggregation.io`) builds records positionally, in this order of fields.
    """

    portal: str
    user_id: str
    npwp: str = ""
    name: str = ""
    address: str = ""
    province: str = ""
    regency: str = ""
    postal_code: str = ""
    email: str = ""
    phone: str = ""
    packages: int = 0
    registered_at: str = ""
    status: str = ""
    password_hash: str = ""
    line: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """(portal, user ID) as the hub identifies an account: user IDs are case-insensitive."""
        return self.portal, user_id_key(self.user_id)


def user_id_key(user_id: str) -> str:
    return user_id.strip().casefold()


def email_key(email: str) -> str:
    """An email as accounts are compared by it (EMAIL_SHARED): trimmed and case-folded."""
    return email.strip().casefold()
