"""The audit of allauth's password reset: the vendor set a new password through a reset link (mailed
on request, or after a reset by documents)."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from satupintu.hub.audit.services import record


@receiver(password_reset, dispatch_uid="satupintu.servicerequests.password_reset")
def audit_password_reset(sender, request, user, **kwargs) -> None:
    record("account.password_reset", user, user)
