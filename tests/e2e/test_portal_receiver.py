"""The reference portal's receiver of the hub's events and its local sign-in, against a real portal
process (no hub: the tests sign the events themselves, as docs/api.md says the hub does)."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests
from servers import sign_in_locally

from export_rows import password_of
from satupintu.core import webhooks

SINAR = {
    "portal": "lkpp",
    "user_id": "SINAR",
    "npwp": "02.417.654.7-404.000",
    "name": "CV Sinar Abadi",
    "address": "Jl. Pajajaran No. 12",
    "province": "Jawa Barat",
    "regency": "Kota Bogor",
    "postal_code": "16143",
    "email": "sinar@abadi.id",
    "phone": "0251123456",
    "packages": "2",
    "registered_at": "2012-01-05",
    "status": "pusat",
}
MAJU = {
    **SINAR,
    "user_id": "Maju",
    "npwp": "03.555.120.9-011.000",
    "name": "PT Maju",
    "email": "maju@maju.id",
}
SUB = "6f1c2d1e-0000-4000-8000-00000000a001"


def send(
    portal, type: str, data: dict, *, message_id: str | None = None, secret: str | None = None, stamp=None
):
    body = json.dumps(
        {"type": type, "timestamp": "2026-01-01T09:00:00+07:00", "cursor": 1, "data": data}
    ).encode()
    message_id = message_id or str(uuid.uuid4())
    headers = webhooks.headers(secret or portal.webhook_secret, message_id, int(stamp or time.time()), body)
    return requests.post(
        portal.hook_url, data=body, headers=headers | {"content-type": "application/json"}, timeout=10
    )


def admin_page(portal, path: str) -> str:
    browser, response = sign_in_locally(portal, portal.admin_user_id, portal.admin_password)
    with browser:
        assert response.url.endswith("/staf/peristiwa/"), response.text
        return browser.get(portal.url + path, timeout=10, headers={"Accept-Language": "en"}).text


def vendor_row(portal, user_id: str) -> str:
    page = admin_page(portal, "/staf/penyedia/")
    match = re.search(rf'<tr data-user-id="{re.escape(user_id)}"[^>]*>.*?</tr>', page, re.S)
    assert match, f"{user_id} not listed:\n{page}"
    return match.group(0)


@pytest.fixture
def portal(launch_portal):
    return launch_portal("lkpp", accounts=[SINAR, MAJU], name="LPSE LKPP")


def test_local_sign_in_with_the_exported_password_any_case_of_the_user_id(portal):
    browser, response = sign_in_locally(portal, "sinar", password_of(SINAR))
    with browser:
        assert response.url == portal.url + "/beranda/"
        assert "CV Sinar Abadi" in response.text
        # An unactivated account of an aggregated portal sees the way to activation at the hub.
        assert f'href="{portal.hub_url}/aktivasi/?portal=lkpp&amp;user_id=SINAR"' in response.text


def test_wrong_password_and_unknown_user_id_get_the_same_answer(portal):
    answers = []
    for user_id, password in (("SINAR", "wrong#Pw1"), ("NOBODY", "wrong#Pw1")):
        browser, response = sign_in_locally(portal, user_id, password)
        with browser:
            assert response.url == portal.url + "/masuk/"
            answers.append(re.search(r'role="alert">(.*?)</div>', response.text, re.S).group(1))
    assert answers[0] == answers[1]
    assert "Wrong user ID or password" in answers[0]


def test_local_sign_in_is_rate_limited_per_account(portal):
    for _ in range(5):
        browser, response = sign_in_locally(portal, "MAJU", "wrong#Pw1")
        browser.close()
        assert response.status_code == 200
    browser, response = sign_in_locally(portal, "MAJU", password_of(MAJU))
    with browser:
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.text


@pytest.mark.parametrize(
    "problem",
    ["unsigned", "wrong secret", "stale"],
)
def test_a_delivery_that_is_not_genuine_is_refused_and_changes_nothing(portal, problem):
    data = {"portal": "lkpp", "user_id": "SINAR", "sub": SUB, "user_id_tunggal": "SINAR"}
    if problem == "unsigned":
        response = requests.post(
            portal.hook_url, json={"type": "account.activated", "data": data}, timeout=10
        )
    elif problem == "wrong secret":
        response = send(portal, "account.activated", data, secret=webhooks.new_secret())
    else:
        response = send(portal, "account.activated", data, stamp=time.time() - 3600)
    assert response.status_code == 401
    assert 'data-state="local"' in vendor_row(portal, "SINAR")


def test_activation_event_sends_the_account_to_inaproc_once_even_if_delivered_twice(portal):
    message_id = str(uuid.uuid4())
    data = {"portal": "lkpp", "user_id": "SINAR", "sub": SUB, "user_id_tunggal": "SINAR"}
    first = send(portal, "account.activated", data, message_id=message_id)
    again = send(portal, "account.activated", data, message_id=message_id)
    assert (first.status_code, first.json()) == (200, {"status": "applied"})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert 'id="applied-count">1<' in admin_page(portal, "/staf/peristiwa/")

    browser, response = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        assert response.url == portal.url + "/masuk/"
        assert "Account SINAR has been activated" in response.text
        assert "User ID Tunggal SINAR" in response.text


def test_a_linked_account_names_its_user_id_tunggal(portal):
    data = {"portal": "lkpp", "user_id": "Maju", "sub": SUB, "user_id_tunggal": "PT_MAJU"}
    assert send(portal, "account.linked", data).json() == {"status": "applied"}
    browser, response = sign_in_locally(portal, "maju", password_of(MAJU))
    with browser:
        assert "now linked to the User ID Tunggal PT_MAJU" in response.text
    # A wrong password still gets the one answer for every wrong credential.
    browser, response = sign_in_locally(portal, "maju", "wrong#Pw1")
    with browser:
        assert "Wrong user ID or password" in response.text and "PT_MAJU" not in response.text


def test_user_id_change_renames_the_local_account(portal):
    data = {
        "portal": "lkpp",
        "user_id": "SINAR",
        "new_user_id": "SINAR_ABADI",
        "reason": "collision",
        "sub": None,
    }
    assert send(portal, "account.user_id_changed", data).json() == {"status": "applied"}
    browser, response = sign_in_locally(portal, "sinar_abadi", password_of(SINAR))
    with browser:
        assert response.url == portal.url + "/beranda/"
    browser, response = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        assert response.url == portal.url + "/masuk/"


def test_an_event_for_another_portal_changes_nothing_here(portal):
    data = {"portal": "jakarta", "user_id": "SINAR", "sub": SUB, "user_id_tunggal": "SINAR"}
    assert send(portal, "account.activated", data).json() == {"status": "ignored"}
    assert 'data-state="local"' in vendor_row(portal, "SINAR")


def test_vendor_updated_refreshes_the_profile_of_that_sub(portal):
    send(
        portal,
        "account.activated",
        {"portal": "lkpp", "user_id": "SINAR", "sub": SUB, "user_id_tunggal": "SINAR"},
    )
    claims = {
        "sub": SUB,
        "preferred_username": "SINAR",
        "name": "CV Sinar Abadi Jaya",
        "npwp": "0024176547404000",
        "email": "kantor@sinarjaya.id",
        "email_verified": True,
        "vendor": {
            "name": "CV Sinar Abadi Jaya",
            "address": "Jl. Baru 1",
            "province": "Jawa Barat",
            "regency": "Kota Bogor",
            "postal_code": "16143",
            "phone": "0251999",
            "status": "pusat",
        },
        "home_portal": {"code": "lkpp", "name": "LPSE LKPP"},
    }
    assert send(portal, "vendor.updated", claims).json() == {"status": "applied"}
    row = vendor_row(portal, "SINAR")
    assert "CV Sinar Abadi Jaya" in row and "kantor@sinarjaya.id" in row
    # Another vendor's profile is untouched.
    assert "maju@maju.id" in vendor_row(portal, "Maju")


def test_a_body_that_is_not_an_event_is_a_clear_400(portal):
    body = b"not json"
    headers = webhooks.headers(portal.webhook_secret, str(uuid.uuid4()), int(time.time()), body)
    response = requests.post(portal.hook_url, data=body, headers=headers, timeout=10)
    assert response.status_code == 400 and "not an event" in response.json()["error"]


def test_a_non_aggregated_portal_has_no_hook_and_no_inaproc_sign_in(launch_portal):
    portal = launch_portal("kotabogor", accounts=[{**SINAR, "portal": "kotabogor"}], aggregated=False)
    home = requests.get(portal.url + "/", timeout=10, headers={"Accept-Language": "en"})
    assert "Masuk dengan INAPROC" not in home.text
    response = requests.post(portal.hook_url, json={}, timeout=10)
    assert response.status_code == 404 and "Traceback" not in response.text
    browser, signed_in = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        assert signed_in.url == portal.url + "/beranda/"
        assert "/aktivasi/" not in signed_in.text  # no activation banner
        assert "Masuk dengan INAPROC" not in signed_in.text


def test_staff_pages_are_refused_to_vendors_with_the_portals_own_page(portal):
    browser, _ = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        response = browser.get(portal.url + "/staf/penyedia/", timeout=10, headers={"Accept-Language": "en"})
    assert response.status_code == 403 and "Not allowed" in response.text
    missing = requests.get(portal.url + "/paket/NOPE/", timeout=10, headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_the_portals_own_stylesheet_is_served(portal):
    home = requests.get(portal.url + "/", timeout=10)
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.text).group(1)
    css = requests.get(portal.url + stylesheet, timeout=10)
    assert css.status_code == 200 and "text/css" in css.headers["content-type"] and "header" in css.text


def test_a_malformed_event_is_passed_over_and_does_not_hold_back_the_next(portal):
    broken = send(portal, "account.activated", {"portal": "lkpp", "user_id": "SINAR"})  # no sub
    assert (broken.status_code, broken.json()) == (200, {"status": "ignored"})
    data = {"portal": "lkpp", "user_id": "SINAR", "sub": SUB, "user_id_tunggal": "SINAR"}
    assert send(portal, "account.activated", data).json() == {"status": "applied"}
    assert 'data-state="activated"' in vendor_row(portal, "SINAR")
