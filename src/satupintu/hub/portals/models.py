from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

portal_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_-]{1,31}$",
    _(
        "Use 2 to 32 lower-case letters, digits, '-' or '_', starting with a letter (for example 'kotabogor')."
    ),
)


class Portal(models.Model):
    """A local procurement portal (LPSE) running SPSE. Aggregated portals (*agregasi aktif*) share vendor
    identities through the hub; the others keep theirs to themselves."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[portal_code_validator])
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=300)
    implemented_on = models.DateField(_("aggregation date"), null=True, blank=True)
    aggregation_active = models.BooleanField(_("aggregation active"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("portal")
        verbose_name_plural = _("portals")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
