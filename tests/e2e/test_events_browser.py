"""A portal that was down when an identity change happened: the hub's push fails and is rescheduled,
the portal pulls the missed event when it starts again, and the hub's later retry changes nothing
there (the portal has applied that event already)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from steps import identity_row, roam_in, sign_in_locally
from test_portal_hub import activate
from test_portal_receiver import SINAR
from test_selfservice_browser import edit_identity, open_self_service

from export_rows import password_of
from satupintu.hub.events.delivery import Result, deliver_due
from satupintu.hub.events.models import Delivery

pytestmark = pytest.mark.browser
HUB_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# In each test's arguments the portals come before the page: the browser then closes first, and the
# portals, with no keep-alive connection left open, stop at once.


def applied_events(page, portal) -> tuple[int, dict[str, str]]:
    """What the portal's administration page shows: the number of events applied, and how the latest
    ones came (message id → push or pull)."""
    page.goto(portal.url + "/staf/peristiwa/")
    rows = page.locator("table").last.locator("tr").all()
    sources = {}
    for row in rows:
        cells = row.locator("td").all_inner_texts()
        if len(cells) == 4:
            sources[cells[3]] = cells[2]
    return int(page.locator("#applied-count").inner_text()), sources


@HUB_DB
def test_a_portal_that_was_down_receives_its_events_after_it_comes_back(start_portal, hub, page, browser):
    a = start_portal("lkpp", accounts=[SINAR])
    b = start_portal("depkes")
    activate("lkpp", SINAR)
    hub.deliver()
    roam_in(page, a, hub.url, "SINAR", password_of(SINAR))
    roam_in(page, b, hub.url, "SINAR", password_of(SINAR))
    assert identity_row(page, "Phone") == SINAR["phone"]

    b.stop()
    open_self_service(page, a, hub.url)
    edit_identity(page, phone="0251 1112222")
    report = hub.deliver()
    assert {(x.portal, x.type, x.result) for x in report.attempts} == {
        ("lkpp", "vendor.updated", Result.DELIVERED),
        ("depkes", "vendor.updated", Result.RETRY),
    }
    missed = Delivery.objects.select_related("event").get(portal__code="depkes", delivered_at__isnull=True)
    assert missed.event.type == "vendor.updated" and missed.event.payload["vendor"]["phone"] == "0251 1112222"
    assert missed.attempts == 1 and missed.last_error == "connection refused"
    assert missed.given_up_at is None and missed.next_attempt_at > timezone.now()

    # B starts again, pulls what it missed, and shows the change to the vendor still signed in there.
    before = len(b.output())
    b.start()
    assert "events pulled: 1 applied" in b.output()[before:]
    page.goto(b.url + "/beranda/")
    assert identity_row(page, "Phone") == "0251 1112222"

    admin = browser.new_context(locale="en-US").new_page()
    try:
        sign_in_locally(admin, b, b.admin_user_id, b.admin_password)
        admin.wait_for_url(b.url + "/staf/peristiwa/")
        expect(admin.locator("h1")).to_have_text("Administration")
        applied, sources = applied_events(admin, b)
        assert sources[str(missed.event.message_id)] == "pull"

        # The hub's retry, when it is due, is taken (2xx) and applied no second time.
        retry = deliver_due(now=missed.next_attempt_at + timedelta(seconds=1))
        assert [(x.portal, x.result) for x in retry.attempts] == [("depkes", Result.DELIVERED)]
        missed.refresh_from_db()
        assert missed.delivered_at is not None and missed.attempts == 2
        assert applied_events(admin, b) == (applied, sources)
    finally:
        admin.context.close()
    page.goto(b.url + "/beranda/")
    assert identity_row(page, "Phone") == "0251 1112222"
