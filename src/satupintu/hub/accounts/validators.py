"""The format of a user ID, the same for imported accounts, new user IDs and hub accounts; and the password
policy, as a validator of ``AUTH_PASSWORD_VALIDATORS``."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from satupintu.core.passwords import MIN_LENGTH, PolicyRule, policy_gaps

# As SPSE allows them: letters, digits and . _ - @, from 3 to 100 characters (imported IDs are taken as
# exported; a new or changed ID must follow this).
USER_ID_PATTERN = r"^[A-Za-z0-9._@-]{3,100}\Z"

user_id_validator = RegexValidator(
    USER_ID_PATTERN,
    _("A user ID has 3 to 100 characters: letters, digits, '.', '_', '-' or '@', without spaces."),
)


def policy_rule_text() -> dict[PolicyRule, str]:
    """What each rule asks for, as the strength meter lists it (in the language of the moment)."""
    return {
        PolicyRule.LENGTH: _("at least %(min_length)d characters") % {"min_length": MIN_LENGTH},
        PolicyRule.UPPER: _("an upper-case letter (A-Z)"),
        PolicyRule.LOWER: _("a lower-case letter (a-z)"),
        PolicyRule.DIGIT: _("a digit (0-9)"),
        PolicyRule.SPECIAL: _("a special character, such as ! @ # $ * ?"),
    }


def password_meter() -> dict:
    """The context of the strength meter (template ``password_meter.html``)."""
    return {
        "password_rules": [(rule.value, text) for rule, text in policy_rule_text().items()],
        "strength_levels": [_("Weak"), _("Fair"), _("Good"), _("Strong")],
    }


# What an error says for each rule that a password misses.
_MISSING = {
    PolicyRule.LENGTH: _("The password is too short: use at least %(min_length)d characters."),
    PolicyRule.UPPER: _("The password has no upper-case letter: add one (A-Z)."),
    PolicyRule.LOWER: _("The password has no lower-case letter: add one (a-z)."),
    PolicyRule.DIGIT: _("The password has no digit: add one (0-9)."),
    PolicyRule.SPECIAL: _("The password has no special character: add one, such as ! @ # $ * ?"),
}


class PasswordPolicyValidator:
    """The hub's password policy (`satupintu.core.passwords.policy_gaps`): one message for each rule that
    the password misses, saying what to add."""

    def validate(self, password: str, user=None) -> None:
        gaps = policy_gaps(password)
        if gaps:
            raise ValidationError(
                [
                    ValidationError(
                        _MISSING[rule], code=f"password_policy_{rule}", params={"min_length": MIN_LENGTH}
                    )
                    for rule in gaps
                ]
            )

    def get_help_text(self) -> str:
        return _("Your password must have %(rules)s.") % {
            "rules": ", ".join(str(text) for text in policy_rule_text().values())
        }


class PersonalDataValidator:
    """A password must not contain the user ID, the email's name part or a word of the vendor's name
    (seed 003): they are the first guesses of whoever knows the company.

    For a registration, which has no user yet, the caller passes an object with ``username``, ``email``
    and ``company_name``; for a vendor, the name comes from its profile.
    """

    min_part = 4  # legal forms and short words ("PT", "CV", "UD", "Tbk") would refuse too much

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        folded = password.casefold()
        for label, value in self._parts(user):
            if len(value) >= self.min_part and value.casefold() in folded:
                raise ValidationError(
                    _("The password contains your %(part)s (%(value)s): choose one without it."),
                    code="password_personal_data",
                    params={"part": label, "value": value},
                )

    def _parts(self, user):
        yield _("user ID"), getattr(user, "username", "") or ""
        yield _("email address"), (getattr(user, "email", "") or "").split("@")[0]
        vendor = getattr(user, "vendor", None)
        company = getattr(user, "company_name", "") or (vendor.name if vendor is not None else "")
        for word in company.replace(".", " ").replace(",", " ").split():
            yield _("company name"), word

    def get_help_text(self) -> str:
        return _("Your password must not contain your user ID, email address or company name.")
