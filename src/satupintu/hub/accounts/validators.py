"""The format of a user ID, the same for imported accounts, new user IDs and hub accounts."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# As SPSE allows them: letters, digits and . _ - @, from 3 to 100 characters (imported IDs are taken as
# exported; a new or changed ID must follow this).
USER_ID_PATTERN = r"^[A-Za-z0-9._@-]{3,100}\Z"

user_id_validator = RegexValidator(
    USER_ID_PATTERN,
    _("A user ID has 3 to 100 characters: letters, digits, '.', '_', '-' or '@', without spaces."),
)
