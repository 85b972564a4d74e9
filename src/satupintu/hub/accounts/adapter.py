from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from satupintu.hub.mail.services import queue


class AccountAdapter(DefaultAccountAdapter):
    """Vendors do not sign up at the hub: they come from their portals' exports and activate, or register
    and are verified by an LPSE."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every email of allauth (the password reset link, and the answer to an address that no account
        uses) goes through the outbox: stored, tried once what stores it commits, and retried by the
        worker while the mail server is down. A mail server that refuses never fails the page, and an
        unknown address costs the same one email as a known one."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                "hub": settings.SATUPINTU_ISSUER,
                **context,
            },
        )
        queue(email, message.subject, message.body, f"account.{template_prefix.rsplit('/', 1)[-1]}")

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        """The link goes to the address of record, as the vendor registered it, not as typed: the two
        differ only in case, but the mail server of record is the one that must receive it."""
        super().send_password_reset_mail(user, user.email, context)

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link in the reset email, on the hub's public address (its issuer), as every other link the
        hub mails: not on whatever host and scheme the request came in by behind a proxy."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SATUPINTU_ISSUER + path.replace("UID-KEY", quote(key))
