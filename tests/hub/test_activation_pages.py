"""The activation pages through the test client: the captcha, each outcome's page, and the messages."""

import pytest
from captcha_solver import solve_captcha
from test_activation import LONE, MAJU_A, MAJU_B

from export_rows import CAHAYA, PT_CAHAYA, password_of
from satupintu.hub.portals.models import Portal

pytestmark = pytest.mark.django_db


def start(client, row, password=None, **extra):
    data = {"portal": row["portal"], "user_id": row["user_id"], "password": password or password_of(row)}
    return client.post("/aktivasi/", {**data, **solve_captcha(client, "/aktivasi/"), **extra}, follow=True)


def test_a_wrong_captcha_names_the_field_and_keeps_the_input(client, portal_accounts):
    portal_accounts(LONE)
    page = start(client, LONE, captcha_1="WRONG").content.decode()
    assert "Kode keamanan salah" in page and 'value="SINAR"' in page
    assert "_auth_user_id" not in client.session


def test_wrong_credentials_are_not_a_network_or_captcha_error(client, portal_accounts):
    portal_accounts(LONE)
    page = start(client, LONE, password="Salah#2026").content.decode()
    assert "User ID atau kata sandi salah untuk portal tersebut." in page
    assert "Kode keamanan salah" not in page


def test_activation_signs_the_vendor_in_with_its_user_id_tunggal(client, portal_accounts):
    portal_accounts(LONE)
    page = start(client, LONE).content.decode()
    assert "sekarang menjadi User ID Tunggal Anda" in page
    assert "Anda masuk sebagai <strong>SINAR</strong>" in client.get("/").content.decode()


def test_a_member_sees_its_tunggal_and_links_with_its_password(client, portal_accounts):
    portal_accounts(CAHAYA, PT_CAHAYA)
    page = start(client, PT_CAHAYA).content.decode()
    assert "Akun ini tidak aktif sendiri" in page
    home = Portal.objects.get(code="lkpp").name
    assert "<strong>CAHAYA</strong>" in page and f"<strong>{home}</strong>" in page
    wrong = client.post("/aktivasi/non-aktif/", {"password": password_of(PT_CAHAYA)}).content.decode()
    assert "Ini bukan kata sandi User ID Tunggal." in wrong
    done = client.post("/aktivasi/non-aktif/", {"password": password_of(CAHAYA)}).content.decode()
    assert "sekarang digabungkan ke User ID Tunggal <strong>CAHAYA</strong>" in done


def test_a_collision_asks_for_a_new_user_id_then_activates(client, portal_accounts):
    portal_accounts(MAJU_A, MAJU_B)
    page = start(client, MAJU_A).content.decode()
    assert "juga dipakai oleh penyedia lain" in page
    taken = client.post(
        "/aktivasi/user-id-baru/", {"new_user_id": "Maju", "password": password_of(MAJU_A)}
    ).content.decode()
    assert "sudah dipakai di salah satu portal" in taken
    spaced = client.post(
        "/aktivasi/user-id-baru/", {"new_user_id": "maju jaya", "password": password_of(MAJU_A)}
    ).content.decode()
    assert "tanpa spasi" in spaced
    done = client.post(
        "/aktivasi/user-id-baru/", {"new_user_id": "MAJU_JAYA", "password": password_of(MAJU_A)}, follow=True
    ).content.decode()
    assert "<strong>MAJU_JAYA</strong> sekarang menjadi User ID Tunggal Anda" in done


def test_an_empty_province_is_a_notice_with_the_lpse_to_contact(client, portal_accounts):
    row = {**LONE, "province": "", "regency": ""}
    portal_accounts(row)
    response = start(client, row)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Provinsi atau kabupaten/kota yang tercatat pada akun kosong" in page
    assert "Hubungi helpdesk" in page


def test_attempts_are_limited_per_account(client, portal_accounts):
    portal_accounts(LONE)
    for _ in range(5):
        start(client, LONE, password="Salah#2026")
    page = start(client, LONE).content.decode()
    assert "Terlalu banyak percobaan" in page and "_auth_user_id" not in client.session


def test_a_tunggal_whose_user_id_a_hub_account_holds_is_named_not_an_error_page(
    client, portal_accounts, django_user_model
):
    portal_accounts(CAHAYA, PT_CAHAYA)
    django_user_model.objects.create_user("cahaya", password="Staf#2026pw")
    start(client, PT_CAHAYA)
    response = client.post("/aktivasi/non-aktif/", {"password": password_of(CAHAYA)})
    assert response.status_code == 200
    assert "sudah dipakai oleh akun lain di hub" in response.content.decode()
