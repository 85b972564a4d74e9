"""Accounts of one group activating at the same moment, in real parallel transactions on PostgreSQL."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from export_rows import CAHAYA, PT_CAHAYA, password_of
from satupintu.hub.activation import services
from satupintu.hub.vendors.models import PortalAccount, State, VendorProfile

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite runs one writing transaction at a time",
    ),
]

THIRD = {**PT_CAHAYA, "portal": "depkes", "user_id": "CAHAYA_DEPKES", "packages": "1"}


def _in_parallel(*calls):
    """Run each call in a thread of its own, with its own database connection, all released at once."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(k, call):
        try:
            barrier.wait()
            results[k] = call()
        except Exception as exc:  # returned, and checked by the test
            results[k] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(k, c)) for k, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_parallel_activations_of_one_group_leave_one_user_id_tunggal(portal_accounts):
    accounts = portal_accounts(CAHAYA, PT_CAHAYA, THIRD)
    single, members = accounts["CAHAYA"], [accounts["PT_CAHAYA"], accounts["CAHAYA_DEPKES"]]
    tunggal_password = password_of(CAHAYA)
    for _round in range(3):  # several rounds: one lucky ordering proves little
        results = _in_parallel(
            lambda: services.activate(single, tunggal_password),
            lambda: services.activate(single, tunggal_password),
            *[lambda m=m: services.link_member(m, tunggal_password) for m in members],
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        outcomes = sorted(r.outcome.value for r in results)
        users = get_user_model().objects.all()
        assert users.count() == 1 and VendorProfile.objects.count() == 1
        user = users.get()
        states = dict(PortalAccount.objects.values_list("user_id", "state"))
        assert states == {"CAHAYA": State.ACTIVATED, "PT_CAHAYA": State.LINKED, "CAHAYA_DEPKES": State.LINKED}
        assert set(PortalAccount.objects.values_list("identity", flat=True)) == {user.pk}
        # Exactly one call made the Tunggal (its own, or a member's on its password); the other
        # activation of the same account found it done.
        assert outcomes.count("linked") == 2 and "already_active" in outcomes
        # Start the round again from nothing activated.
        PortalAccount.objects.update(state=State.LOCAL, identity=None, activated_at=None)
        VendorProfile.objects.all().delete()
        users.delete()
