"""The session's account. Credentials are checked in `satupintu.portal.login.services`, which calls
Django's ``login`` with this backend."""

from satupintu.portal.vendors.models import Account


class AccountBackend:
    def authenticate(self, request, **credentials):
        return None  # never through django.contrib.auth.authenticate: see login.services

    def get_user(self, user_id):
        return Account.objects.filter(pk=user_id, is_active=True).first()
