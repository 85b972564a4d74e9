"""Roaming through the hub's OpenID Connect provider.

The first test is a standard client that is not part of SatuPintu (Authlib) against the hub served on a
real socket: discovery, code + PKCE (S256), the token exchange, and ID-token validation against the
published keys. The others check the roaming rules at the authorization endpoint.
"""

import base64
import hashlib
import importlib
import json
import secrets
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.idp.oidc.models import Client, Token
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet
from test_activation import LONE
from typer.testing import CliRunner

from export_rows import CAHAYA, PT_CAHAYA, password_of
from satupintu.aggregation import synth
from satupintu.aggregation.io import split_by_portal
from satupintu.cli import app
from satupintu.hub.activation import services
from satupintu.hub.portals.models import Portal
from satupintu.hub.sso.adapter import OIDCAdapter
from satupintu.hub.sso.services import RoamingDenied, create_client, roaming_decision
from satupintu.hub.vendors.models import PortalAccount, State
from satupintu.hub.vendors.services import import_accounts

CALLBACK = "http://127.0.0.1:9/oidc/callback"  # never followed: the tests read the redirect


def signed_in_browser(base: str, user_id: str, password: str) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/")
    response = browser.post(
        f"{base}/accounts/login/",
        data={"login": user_id, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_standard_client_completes_discovery_pkce_and_id_token_validation(
    live_server, settings, portal_accounts
):
    settings.SATUPINTU_ISSUER = live_server.url
    accounts = portal_accounts(LONE)
    services.activate(accounts["SINAR"], password_of(LONE))
    accounts["SINAR"].refresh_from_db()
    user = accounts["SINAR"].identity
    client_id, client_secret = create_client("depkes", CALLBACK)

    metadata = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == live_server.url
    assert "S256" in metadata["code_challenge_methods_supported"]

    client = OAuth2Session(
        client_id,
        client_secret,
        scope="openid profile email",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    verifier, nonce = generate_token(48), secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    browser = signed_in_browser(live_server.url, "sinar", password_of(LONE))
    redirect = browser.get(url, allow_redirects=False)
    assert redirect.status_code == 302, redirect.text
    location = redirect.headers["Location"]
    assert location.startswith(CALLBACK) and parse_qs(urlparse(location).query)["state"] == [state]

    token = client.fetch_token(
        metadata["token_endpoint"], authorization_response=location, code_verifier=verifier
    )
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    claims = validated_id_token(token, keys, issuer=live_server.url, client_id=client_id, nonce=nonce)
    assert claims["sub"] == str(user.sub) and claims["aud"] == client_id
    assert claims["preferred_username"] == "SINAR" and claims["npwp"] == "0024176547404000"
    assert claims["vendor"]["name"] == "CV Sinar Abadi" and claims["vendor"]["status"] == "pusat"
    assert claims["home_portal"]["code"] == "depkes"
    assert claims["amr"] == ["pwd"] and claims["acr"]
    info = client.get(metadata["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["vendor"] == claims["vendor"]

    # A code is good once.
    again = requests.post(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlparse(location).query)["code"][0],
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(client_id, client_secret),
        timeout=10,
    )
    assert again.status_code == 400
    # No refresh tokens: a portal signs the vendor in again, and the roaming rules are checked again.
    refreshed = requests.post(
        metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(client_id, client_secret),
        timeout=10,
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "unauthorized_client"
    # A portal that leaves aggregation can no longer read the vendor with the tokens it holds.
    Portal.objects.filter(code="depkes").update(aggregation_active=False)
    refused = client.get(metadata["userinfo_endpoint"])
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"
    # Closing the kept-alive connections ends the server's request threads, and their database sessions.
    browser.close()
    client.close()


def validated_id_token(token: dict, keys: KeySet, *, issuer: str, client_id: str, nonce: str) -> dict:
    """An ID token checked as OpenID Connect Core 3.1.3.7 asks of a client: signature (RS256) against the
    published keys, issuer, audience, expiry, nonce and the access token's hash."""
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    ).validate(decoded.claims)
    digest = hashlib.sha256(token["access_token"].encode()).digest()
    assert decoded.claims["at_hash"] == base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    return decoded.claims


def authorize(client, client_id: str, *, method: str = "get", **params):
    query = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid profile",
        "redirect_uri": CALLBACK,
        "state": "s",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **params,
    }
    if method == "post":  # allauth answers with a redirect to the GET of the same request
        return client.post("/identity/o/authorize", query, follow=True)
    return client.get("/identity/o/authorize", query)


@pytest.mark.django_db
def test_roaming_waits_for_the_member_at_that_portal_then_opens(client, portal_accounts):
    accounts = portal_accounts(CAHAYA, PT_CAHAYA)
    services.activate(accounts["CAHAYA"], password_of(CAHAYA))
    at_jakarta, _ = create_client("jakarta", CALLBACK)
    at_depkes, _ = create_client("depkes", CALLBACK)
    client.login(username="CAHAYA", password=password_of(CAHAYA))

    refused = authorize(client, at_jakarta)
    page = refused.content.decode()
    assert refused.status_code == 403
    assert "akun perusahaan Anda di sana, PT_CAHAYA, belum diaktivasi" in page
    # Other portals hold no unactivated member: roaming there is open at once.
    assert authorize(client, at_depkes).status_code == 302

    services.link_member(accounts["PT_CAHAYA"], password_of(CAHAYA))
    allowed = authorize(client, at_jakarta)
    assert allowed.status_code == 302 and "code=" in allowed["Location"]


@pytest.mark.django_db
def test_pkce_s256_is_required(client, portal_accounts):
    accounts = portal_accounts(LONE)
    services.activate(accounts["SINAR"], password_of(LONE))
    client_id, _ = create_client("depkes", CALLBACK)
    client.login(username="SINAR", password=password_of(LONE))
    assert authorize(client, client_id, code_challenge_method="plain").status_code == 400
    assert authorize(client, client_id, code_challenge="", code_challenge_method="").status_code == 400
    assert authorize(client, client_id, method="post", code_challenge_method="plain").status_code == 400
    assert authorize(client, client_id).status_code == 302


@pytest.mark.django_db
def test_a_non_aggregated_portal_and_a_staff_account_do_not_roam(client, portal_accounts, django_user_model):
    accounts = portal_accounts(LONE)
    services.activate(accounts["SINAR"], password_of(LONE))
    local_only, _ = create_client("kotabogor", CALLBACK)
    client.login(username="SINAR", password=password_of(LONE))
    assert authorize(client, local_only).status_code == 403
    assert authorize(client, local_only, method="post").status_code == 403
    depkes, _ = create_client("depkes", CALLBACK)
    django_user_model.objects.create_user("staf_lpse", password="Staf#2026pw")
    client.logout()
    client.login(username="staf_lpse", password="Staf#2026pw")
    assert authorize(client, depkes).status_code == 403


@pytest.mark.django_db
def test_a_code_is_not_exchanged_once_its_portal_has_left_aggregation(client, portal_accounts):
    accounts = portal_accounts(LONE)
    services.activate(accounts["SINAR"], password_of(LONE))
    client_id, client_secret = create_client("depkes", CALLBACK)
    client.login(username="SINAR", password=password_of(LONE))
    verifier = generate_token(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    allowed = authorize(client, client_id, code_challenge=challenge)
    code = parse_qs(urlparse(allowed["Location"]).query)["code"][0]
    Portal.objects.filter(code="depkes").update(aggregation_active=False)
    exchanged = client.post(
        "/identity/o/api/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    assert exchanged.status_code == 400 and exchanged.json()["error"] == "unauthorized_client"
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_the_migration_takes_the_refresh_grant_and_tokens_from_existing_portal_clients(portal_accounts):
    from django.apps import apps

    migration = importlib.import_module(
        "satupintu.hub.sso.migrations.0002_portal_clients_without_refresh_tokens"
    )
    accounts = portal_accounts(LONE)
    services.activate(accounts["SINAR"], password_of(LONE))
    client_id, _ = create_client("depkes", CALLBACK)
    client = Client.objects.get(id=client_id)
    client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN])
    client.save()
    accounts["SINAR"].refresh_from_db()
    user = accounts["SINAR"].identity
    Token.objects.create(client=client, user=user, type=Token.Type.REFRESH_TOKEN, hash="r")
    Token.objects.create(client=client, user=user, type=Token.Type.ACCESS_TOKEN, hash="a")
    migration.drop_refresh_grant(apps, None)
    client.refresh_from_db()
    assert client.get_grant_types() == ["authorization_code"]
    assert list(Token.objects.values_list("type", flat=True)) == [Token.Type.ACCESS_TOKEN]


def test_the_signing_key_is_parsed_once_per_process_and_given_out_as_a_copy():
    from allauth.core.internal import jwkkit
    from django.conf import settings

    from satupintu.hub.sso import signing

    assert jwkkit.load_jwk_from_pem is signing.load_jwk_from_pem
    parsed_before = signing._parse_once.cache_info().misses
    first, key = jwkkit.load_jwk_from_pem(settings.IDP_OIDC_PRIVATE_KEY)
    first["use"] = "changed by a caller"
    second, same_key = jwkkit.load_jwk_from_pem(settings.IDP_OIDC_PRIVATE_KEY)
    assert "use" not in second and second["kty"] == "RSA" and same_key is key
    assert signing._parse_once.cache_info().misses - parsed_before <= 1


@pytest.mark.django_db
def test_client_create_registers_a_code_only_client_and_names_a_bad_address():
    runner = CliRunner()
    result = runner.invoke(app, ["client", "create", "--portal", "lkpp", "--redirect-uri", CALLBACK])
    assert result.exit_code == 0, result.output
    client = Client.objects.get(id=json.loads(result.stdout)["client_id"])
    assert client.get_grant_types() == ["authorization_code"] and client.portal_link.portal.code == "lkpp"
    bad = runner.invoke(app, ["client", "create", "--portal", "lkpp", "--redirect-uri", "lpse.go.id/cb"])
    assert bad.exit_code == 2 and "redirect_uri: 'lpse.go.id/cb' is not an http(s) address" in bad.output


def test_the_profile_scope_is_described_through_the_translations():
    from django.utils import translation
    from django.utils.functional import Promise

    description = OIDCAdapter.scope_display["profile"]
    assert isinstance(description, Promise)  # translated when shown, in the vendor's language
    with translation.override("en"):
        assert str(description).startswith("Vendor identity: name, NPWP")


@pytest.mark.django_db
def test_the_roaming_rules_decide_as_the_engine_on_the_current_data(tmp_path):
    """`roaming_decision` runs the engine only for vendors with an unactivated account nearby at the
    portal; on synthetic exports, every vendor's decision at every portal is the engine's."""
    source = tmp_path / "all.csv"
    synth.write(600, 3, source)
    for portal, path in split_by_portal(source, tmp_path).items():
        import_accounts(portal, path)
    for account in PortalAccount.objects.filter(portal__aggregation_active=True).order_by("pk"):
        account.refresh_from_db()
        if services.outcome_of(services.current_standing(account)) is services.Outcome.ACTIVATED:
            services.activate(account, "unused: activate trusts its caller's check")
    clients = [create_client(p.code, CALLBACK)[0] for p in Portal.objects.filter(aggregation_active=True)]
    tunggal = PortalAccount.objects.filter(state=State.ACTIVATED).select_related("identity")
    outcomes = Counter()
    for own in tunggal:
        standing = services.current_standing(own)
        for client_id in clients:
            decision = roaming_decision(own.identity, client_id)
            blocking = next(
                (
                    a
                    for a in standing.group
                    if a.portal_id == decision.portal.pk and a.state == State.LOCAL and a.pk != own.pk
                ),
                None,
            )
            assert decision.blocking == blocking, (own, decision.portal)
            outcomes[decision.denied] += 1
    assert outcomes[None] > 0 and outcomes[RoamingDenied.MEMBER_NOT_ACTIVATED] > 0, outcomes
