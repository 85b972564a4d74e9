"""'Masuk dengan INAPROC': this portal as an OpenID Connect relying party of the hub, with Authlib's
client: discovery, the code flow with PKCE (S256), state and nonce, and the ID token checked for its
signature (the hub's published keys), issuer, audience and nonce."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError

SCOPE = "openid profile email"
# The error codes an authorization server may send back (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6).
# Only these are shown; the free-text description is not, since anyone can put it in a link.
KNOWN_ERRORS = frozenset(
    {
        "access_denied",
        "invalid_request",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_response_type",
        "server_error",
        "temporarily_unavailable",
        "login_required",
        "consent_required",
        "interaction_required",
        "account_selection_required",
    }
)


class Failure(enum.StrEnum):
    HUB_UNREACHABLE = "hub_unreachable"  # refused, timed out, or the hub answered with an error status
    HUB_REFUSED = "hub_refused"  # the hub sent an OAuth error back (e.g. access_denied)
    EXPIRED = "expired"  # no sign-in started from this browser session matches the answer
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (a failure, not a secret): the answer did not pass the checks of an ID token
    NOT_CONFIGURED = "not_configured"  # the portal has no client at the hub


class SignInFailed(Exception):
    def __init__(self, failure: Failure, detail: str = "") -> None:
        super().__init__(f"{failure.value}: {detail}")
        self.failure, self.detail = failure, detail


@dataclass(frozen=True)
class Identity:
    claims: dict[str, Any]

    @property
    def sub(self) -> str:
        return str(self.claims["sub"])


def _client():
    """A client that reads the hub's discovery document afresh: the button then tells at once whether
    the hub answers, and new signing keys are picked up without a restart."""
    if not (settings.PORTAL_CLIENT_ID and settings.PORTAL_CLIENT_SECRET):
        raise SignInFailed(Failure.NOT_CONFIGURED)
    oauth = OAuth()
    return oauth.register(
        "inaproc",
        client_id=settings.PORTAL_CLIENT_ID,
        client_secret=settings.PORTAL_CLIENT_SECRET,
        server_metadata_url=f"{settings.PORTAL_HUB}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": settings.PORTAL_HUB_TIMEOUT,
        },
    )


def _discovered(client):
    metadata = client.load_server_metadata()
    # OpenID Connect Discovery 4.3: the document must name the issuer the portal was configured with.
    if metadata.get("issuer", "").rstrip("/") != settings.PORTAL_HUB:
        raise SignInFailed(Failure.INVALID_TOKEN, f"the hub says its issuer is {metadata.get('issuer')!r}")
    return metadata


def start(request, redirect_uri: str):
    """The redirect to the hub's authorization endpoint; state, nonce and the PKCE verifier are kept in
    this browser's session."""
    try:
        client = _client()
        _discovered(client)
        return client.authorize_redirect(request, redirect_uri)
    except requests.RequestException as exc:
        raise SignInFailed(Failure.HUB_UNREACHABLE, exc.__class__.__name__) from None
    except ValueError as exc:  # a discovery document that is not JSON
        raise SignInFailed(Failure.HUB_UNREACHABLE, str(exc)) from None


def _refused(client, request) -> None:
    """An error sent back in place of a code: only for a sign-in this browser started (its state), and
    told by its code alone."""
    state = request.GET.get("state")
    if not state or client.framework.get_state_data(request.session, state) is None:
        raise SignInFailed(Failure.EXPIRED)
    client.framework.clear_state_data(request.session, state)
    error = request.GET["error"]
    raise SignInFailed(Failure.HUB_REFUSED, error if error in KNOWN_ERRORS else "unknown_error")


def finish(request) -> Identity:
    """The vendor's identity from the hub's answer at the callback; `SignInFailed` says what went wrong."""
    try:
        client = _client()
        if request.GET.get("error"):
            _refused(client, request)
        _discovered(client)
        token = client.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "value": settings.PORTAL_HUB}}
        )
    except MismatchingStateError:
        raise SignInFailed(Failure.EXPIRED) from None
    except OAuthError as exc:
        raise SignInFailed(Failure.HUB_REFUSED, exc.description or exc.error) from None
    except requests.RequestException as exc:
        raise SignInFailed(Failure.HUB_UNREACHABLE, exc.__class__.__name__) from None
    except (AuthlibBaseError, JoseError) as exc:
        raise SignInFailed(Failure.INVALID_TOKEN, str(exc)) from None
    except ValueError as exc:
        raise SignInFailed(Failure.HUB_UNREACHABLE, str(exc)) from None
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise SignInFailed(Failure.INVALID_TOKEN, "no ID token")
    return Identity(dict(claims))
