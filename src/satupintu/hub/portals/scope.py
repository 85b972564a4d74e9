"""Whose work a member of staff may see: one portal's (LPSE staff, their portal set on the user) or every
portal's (LKPP's directorate). Every staff queue of the hub decides it here, each with its own pair of
permissions, so that one portal's staff never see another portal's vendors."""

from __future__ import annotations

from dataclasses import dataclass

from satupintu.hub.portals.models import Portal


@dataclass(frozen=True)
class Scope:
    """One portal's work, or (``portal`` None) every portal's."""

    portal: Portal | None

    @property
    def national(self) -> bool:
        return self.portal is None


def scope_for(user, own_portal: str, any_portal: str) -> Scope | None:
    """The scope ``user`` has with the permission ``own_portal`` (with a portal set on the user) or
    ``any_portal``; None for a vendor, the public, or staff without either."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or user.has_perm(any_portal):
        return Scope(None)
    if user.portal_id is not None and user.has_perm(own_portal):
        return Scope(user.portal)
    return None
