from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Package(models.Model):
    """A procurement package (*paket*) the LPSE publishes; vendors register to take part until the day
    registration closes (that day included)."""

    code = models.CharField(_("package code"), max_length=32, unique=True)
    name = models.CharField(_("package name"), max_length=300)
    agency = models.CharField(_("agency"), max_length=200)
    method = models.CharField(_("method"), max_length=100)
    budget = models.DecimalField(_("budget ceiling (HPS), rupiah"), max_digits=16, decimal_places=0)
    registration_closes = models.DateField(_("registration closes"))

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["registration_closes", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.registration_closes >= timezone.localdate()


class Registration(models.Model):
    package = models.ForeignKey(Package, related_name="registrations", on_delete=models.CASCADE)
    vendor = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="registrations", on_delete=models.CASCADE
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["package", "vendor"], name="one_registration_per_vendor")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} @ {self.package.code}"
