import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from satupintu.hub.groups.services import aggregate_all
from satupintu.hub.vendors.models import PortalAccount
from satupintu.hub.vendors.services import import_accounts

HASH = "5f4dcc3b5aa765d61d8327deb882cf99"
HEADER = "portal,user_id,npwp,name,address,province,regency,postal_code,email,phone,packages,registered_at,password_hash\n"
ROWS = HEADER + (
    f"lkpp,CAHAYA,01.312.166.0-091.000,PT Cahaya,Jl. Sudirman No. 5,DKI Jakarta,Jakarta Selatan,12920,a@c.id,0,2,2010-01-01,{HASH}\n"
    "lkpp,KOSONG,05.123.456.6-701.000,PT Karya,Jl. Gajah Mada No. 40,,Kota Pontianak,78121,k@k.id,0,1,2016-08-08,\n"
)


@pytest.fixture
def directorate(db):
    group = Group.objects.create(name="Direktorat")
    group.permissions.set(
        Permission.objects.filter(
            codename__startswith="view_", content_type__app_label__in=["vendors", "groups"]
        )
    )
    user = get_user_model().objects.create_user("direktorat", password="Rahasia#2026", is_staff=True)
    user.groups.add(group)
    return user


@pytest.mark.django_db
def test_directorate_browses_accounts_filtered_by_finding_and_portal(client, directorate, write_csv):
    import_accounts("lkpp", write_csv(ROWS))
    aggregate_all()
    client.force_login(directorate)
    page = client.get("/admin/vendors/portalaccount/", {"finding": "REGION_INVALID"})
    assert page.status_code == 200
    assert b"KOSONG" in page.content and b"CAHAYA" not in page.content
    page = client.get("/admin/groups/activationgroup/", {"portal": "lkpp", "review__exact": "1"})
    assert page.status_code == 200 and b"REGION_INVALID" in page.content
    # The stored password hash is never shown, not even to staff.
    account = PortalAccount.objects.get(user_id_key="cahaya")
    detail = client.get(f"/admin/vendors/portalaccount/{account.pk}/change/")
    assert detail.status_code == 200 and b"PT Cahaya" in detail.content
    assert HASH.encode() not in detail.content


@pytest.mark.django_db
def test_people_without_staff_rights_do_not_see_accounts(client):
    user = get_user_model().objects.create_user("vendor", password="Rahasia#2026")
    client.force_login(user)
    page = client.get("/admin/vendors/portalaccount/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]


@pytest.mark.django_db
def test_the_hub_speaks_indonesian_by_default_and_english_on_request(client, directorate):
    client.force_login(directorate)
    page = client.get("/admin/groups/activationgroup/")
    assert page.status_code == 200
    assert "Grup aktivasi" in page.content.decode() or "grup aktivasi" in page.content.decode()
    page = client.get("/admin/groups/activationgroup/", headers={"accept-language": "en"})
    assert "activation group" in page.content.decode()
