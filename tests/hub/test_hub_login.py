"""Signing in at the hub by user ID: case, legacy hashes, rate limits, and what a refused sign-in says."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from export_rows import CAHAYA, PT_CAHAYA, md5, password_of
from satupintu.hub.activation import services

pytestmark = pytest.mark.django_db


def sign_in(client, user_id, password):
    return client.post(reverse("account_login"), {"login": user_id, "password": password})


def test_user_ids_ignore_case_and_a_legacy_md5_is_upgraded_at_first_sign_in(client):
    user = get_user_model().objects.create(username="Vendor_One", password=f"spse_md5$${md5('Lama#2020')}")
    response = sign_in(client, "VENDOR_ONE", "Lama#2020")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    client.logout()
    assert sign_in(client, "vendor_one", "Lama#2020").status_code == 302


def test_a_wrong_password_and_an_unknown_user_id_read_the_same(client):
    get_user_model().objects.create_user("VENDOR_ONE", password="Benar#2026")
    wrong = sign_in(client, "VENDOR_ONE", "Salah#2026").content.decode()
    unknown = sign_in(client, "NOBODY_HERE", "Salah#2026").content.decode()
    assert _without_tokens(wrong).replace("VENDOR_ONE", "NOBODY_HERE") == _without_tokens(unknown)
    assert "tidak benar" in wrong  # Indonesian: the user ID and/or password are not right


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_failed_sign_ins_are_limited_per_account(client):
    get_user_model().objects.create_user("VENDOR_ONE", password="Benar#2026")
    for _ in range(5):
        assert sign_in(client, "VENDOR_ONE", "Salah#2026").status_code == 200
    # The sixth try fails even with the right password, and says why.
    page = sign_in(client, "VENDOR_ONE", "Benar#2026")
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert "Terlalu banyak" in page.content.decode()


def test_a_member_id_is_told_its_user_id_tunggal_only_with_its_own_password(client, portal_accounts):
    accounts = portal_accounts(CAHAYA, PT_CAHAYA)
    services.activate(accounts["CAHAYA"], password_of(CAHAYA))
    services.link_member(accounts["PT_CAHAYA"], password_of(CAHAYA))
    told = sign_in(client, "PT_CAHAYA", password_of(PT_CAHAYA)).content.decode()
    assert "sudah digabungkan ke User ID Tunggal Anda, CAHAYA" in told
    guessed = sign_in(client, "PT_CAHAYA", "Tebak#2026").content.decode()
    assert "digabungkan" not in guessed and "tidak benar" in guessed
    # The User ID Tunggal signs in with its password.
    assert sign_in(client, "cahaya", password_of(CAHAYA)).status_code == 302


def test_an_unactivated_account_is_sent_to_activation(client, portal_accounts):
    portal_accounts(CAHAYA)
    page = sign_in(client, "CAHAYA", password_of(CAHAYA)).content.decode()
    assert "belum diaktivasi" in page and "Lakukan aktivasi" in page


def test_the_sign_in_page_offers_activation_not_sign_up(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "/accounts/signup/" not in page and 'href="/aktivasi/"' in page


def test_behind_a_trusted_proxy_each_client_address_is_limited_on_its_own(client, settings):
    """With one proxy of our own, the client is the right-most X-Forwarded-For address: one address's
    failures do not lock out another, and a forged left-most address changes nothing."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    get_user_model().objects.create_user("VENDOR_ONE", password="Benar#2026")

    def attempt(forwarded: str, user_id: str, password: str):
        return client.post(
            reverse("account_login"), {"login": user_id, "password": password}, HTTP_X_FORWARDED_FOR=forwarded
        )

    # Ten wrong user IDs (the key differs each time) from one address: its per-address limit is reached.
    for n in range(10):
        assert attempt(f"1.2.3.{n}, 203.0.113.7", f"NOBODY_{n}", "Salah#2026").status_code == 200
    assert "Terlalu banyak" in attempt("9.9.9.9, 203.0.113.7", "VENDOR_ONE", "Benar#2026").content.decode()
    # Another client through the same proxy signs in.
    assert attempt("198.51.100.4", "VENDOR_ONE", "Benar#2026").status_code == 302


def test_the_number_of_trusted_proxies_must_be_a_whole_number(monkeypatch):
    from satupintu import config

    monkeypatch.delenv("SATUPINTU_TRUSTED_PROXIES", raising=False)
    assert config.trusted_proxies() == 0
    monkeypatch.setenv("SATUPINTU_TRUSTED_PROXIES", "2")
    assert config.trusted_proxies() == 2
    monkeypatch.setenv("SATUPINTU_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="SATUPINTU_TRUSTED_PROXIES must be a whole number"):
        config.trusted_proxies()
