"""Django settings of a reference portal. One process serves one portal; everything that tells portals
apart comes from the environment (the ``satupintu portal`` command sets it from its options):

- ``SATUPINTU_PORTAL_CODE``: the portal's code in the hub's registry, e.g. ``lkpp`` (default ``lkpp``).
- ``SATUPINTU_PORTAL_NAME``: its name, e.g. ``LPSE LKPP`` (default ``LPSE`` and the code).
- ``SATUPINTU_PORTAL_AGGREGATED``: ``1``/``0``; aggregation with the hub on or off (default on).
- ``SATUPINTU_PORTAL_HUB``: the hub's issuer URL (default ``SATUPINTU_ISSUER``, see satupintu.config).
- ``SATUPINTU_PORTAL_CLIENT_ID``, ``SATUPINTU_PORTAL_CLIENT_SECRET``: the portal's OpenID Connect client at
  the hub (``satupintu client create``); also the credentials of the event pull.
- ``SATUPINTU_PORTAL_WEBHOOK_SECRET``: the ``whsec_`` secret of the hub's pushed events.
- ``SATUPINTU_PORTAL_ADMIN_PASSWORD``: the password of the LPSE administrator ``admin_<code>``, set at
  each start; without it the administrator is made once with a random password, printed at that start.
- ``SATUPINTU_PORTAL_DATABASE_URL``: a database URL; default SQLite ``portal-<code>.sqlite3`` in the data
  folder (``SATUPINTU_DATA_DIR``). ``DATABASE_URL`` is the hub's and is never read here.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from satupintu import config

BASE_DIR = Path(__file__).resolve().parent

PORTAL_CODE = os.environ.get("SATUPINTU_PORTAL_CODE", "lkpp").strip().lower()
PORTAL_NAME = os.environ.get("SATUPINTU_PORTAL_NAME", "").strip() or f"LPSE {PORTAL_CODE.upper()}"
PORTAL_AGGREGATED = config.flag("SATUPINTU_PORTAL_AGGREGATED", default=True)
PORTAL_HUB = (os.environ.get("SATUPINTU_PORTAL_HUB") or config.issuer()).rstrip("/")
PORTAL_CLIENT_ID = os.environ.get("SATUPINTU_PORTAL_CLIENT_ID", "")
PORTAL_CLIENT_SECRET = os.environ.get("SATUPINTU_PORTAL_CLIENT_SECRET", "")
PORTAL_WEBHOOK_SECRET = os.environ.get("SATUPINTU_PORTAL_WEBHOOK_SECRET", "")
PORTAL_ADMIN_PASSWORD = os.environ.get("SATUPINTU_PORTAL_ADMIN_PASSWORD", "")
# How long the portal waits for the hub before telling the vendor it cannot be reached.
PORTAL_HUB_TIMEOUT = 5

SECRET_KEY = config.secret_key(f"portal-{PORTAL_CODE}")
DEBUG = config.flag("SATUPINTU_DEBUG")
ALLOWED_HOSTS = config.hosts()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "satupintu.portal.vendors",
    "satupintu.portal.login",
    "satupintu.portal.tenders",
    "satupintu.portal.qualification",
    "satupintu.portal.events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "satupintu.portal.urls"
WSGI_APPLICATION = "satupintu.portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "satupintu.portal.context.portal",
            ],
        },
    },
]


DATABASES = {"default": config.database(f"portal-{PORTAL_CODE}.sqlite3", "SATUPINTU_PORTAL_DATABASE_URL")}
# In the portal's own database, so that rate limits hold across the server's threads and restarts.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal_vendors.Account"
AUTHENTICATION_BACKENDS = ["satupintu.portal.vendors.backends.AccountBackend"]
# The first hasher makes every new hash; SPSE's exported hashes are verified by the others and then
# re-hashed with the first at the first successful login.
PASSWORD_HASHERS = [
    "satupintu.hub.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "satupintu.hub.accounts.hashers.SpseMD5Hasher",
]
LOGIN_URL = "login:local"
# Every credential check is limited per IP address and per user ID, as allauth counts them.
ACCOUNT_RATE_LIMITS = {"portal_login_failed": "10/m/ip,5/300s/key"}
# Behind reverse proxies, the client's address is read from X-Forwarded-For (see config.trusted_proxies).
ALLAUTH_TRUSTED_PROXY_COUNT = config.trusted_proxies()

# Indonesian first: it is the language of the users; English second. One catalogue with the hub.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.data_dir() / f"static-portal-{PORTAL_CODE}"
STATIC_ROOT.mkdir(exist_ok=True)
# The project folder is not an installed app, so its static folder is named here.
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# Every demo portal and the hub run on 127.0.0.1, and browsers do not keep cookies apart by port: each
# portal names its own cookies, or signing in at one would sign out of another.
SESSION_COOKIE_NAME = f"portal_{PORTAL_CODE}_session"
CSRF_COOKIE_NAME = f"portal_{PORTAL_CODE}_csrftoken"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = config.flag("SATUPINTU_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "satupintu.portal.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
