import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from satupintu.hub.audit.models import AuditEvent
from satupintu.hub.portals.models import Portal
from satupintu.hub.portals.services import add_portal


@pytest.mark.django_db
def test_registry_holds_the_fifteen_aggregated_portals_and_others():
    aggregated = Portal.objects.filter(aggregation_active=True)
    assert aggregated.count() == 15
    lkpp = Portal.objects.get(code="lkpp")
    assert lkpp.implemented_on == dt.date(2010, 9, 18)
    assert lkpp.url == "http://lpse.lkpp.go.id/eproc"
    assert not Portal.objects.get(code="kotabogor").aggregation_active
    assert not Portal.objects.get(code="muarojambi").aggregation_active


@pytest.mark.django_db
def test_add_portal_validates_and_audits():
    portal = add_portal(
        "kotabandung", "LPSE Kota Bandung", "https://lpse.bandung.go.id", aggregation_active=True
    )
    assert portal.pk and AuditEvent.objects.filter(action="portal.added", object_id=str(portal.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        add_portal("Kota Bandung!", "x", "not a url")
    assert {"code", "url"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        add_portal("lkpp", "duplicate", "https://example.org")
    assert "code" in exc.value.message_dict
