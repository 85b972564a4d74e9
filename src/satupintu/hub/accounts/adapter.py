from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Vendors do not sign up at the hub: they come from their portals' exports and activate, or register
    and are verified by an LPSE."""

    def is_open_for_signup(self, request) -> bool:
        return False
