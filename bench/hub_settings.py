"""The hub's settings for load benchmarks on loopback: one client address sends every request, so the
per-address limits are lifted; the per-account limits and every other setting stay as in production."""

from satupintu.hub.settings import *  # noqa: F403
from satupintu.hub.settings import ACCOUNT_RATE_LIMITS

ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "login": "100000000/m/ip",
    "login_failed": "100000000/m/ip,5/300s/key",
}
