"""Django settings of the hub. Everything that differs between machines comes from the environment
(see satupintu.config)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from satupintu import config

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = config.secret_key("hub")
DEBUG = config.flag("SATUPINTU_DEBUG")
ALLOWED_HOSTS = config.hosts()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.idp.oidc",
    "captcha",
    # Only so that the API documentation uses the Swagger UI files shipped with django-ninja, not a CDN.
    "ninja",
    "satupintu.hub.accounts",
    "satupintu.hub.audit",
    "satupintu.hub.portals",
    "satupintu.hub.vendors",
    "satupintu.hub.groups",
    "satupintu.hub.activation",
    "satupintu.hub.events",
    "satupintu.hub.mail",
    "satupintu.hub.sso",
    "satupintu.hub.review",
    "satupintu.hub.selfservice",
    "satupintu.hub.registration",
    "satupintu.hub.helpdesk",
    "satupintu.hub.verification",
    "satupintu.hub.servicerequests",
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
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "satupintu.hub.urls"
WSGI_APPLICATION = "satupintu.hub.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": config.database("hub.sqlite3")}
CACHES = {"default": config.cache()}
# With Redis, a session is read from the cache and written through to the database: a request reads
# no session row, and a Redis restart signs no one out.
if CACHES["default"]["BACKEND"] == "satupintu.redis_cache.RedisCache":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
# The first hasher makes every new hash; the others verify imported ones, which are then re-hashed
# with the first at the next successful login.
PASSWORD_HASHERS = [
    "satupintu.hub.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "satupintu.hub.accounts.hashers.SpseMD5Hasher",
    "satupintu.hub.sso.hashers.ClientSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # The policy (length, upper and lower case, digit, special character) covers Django's minimum length
    # and all-digits validators, with one message for each missing rule.
    {"NAME": "satupintu.hub.accounts.validators.PasswordPolicyValidator"},
    {"NAME": "satupintu.hub.accounts.validators.PersonalDataValidator"},
]

# Accounts (allauth): vendors sign in with their user ID; there is no open sign-up (vendors are
# imported from the portals or register through verification).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "satupintu.hub.accounts.adapter.AccountAdapter"
# Forgot password: accounts are found by their email of record (any case), and the new password shows
# the strength meter. Known or not, an address gets one email (through the outbox) and the same page.
ACCOUNT_FORMS = {
    "login": "satupintu.hub.accounts.forms.UserIdLoginForm",
    "reset_password": "satupintu.hub.servicerequests.forms.ForgotPasswordForm",
    "reset_password_from_key": "satupintu.hub.servicerequests.forms.NewPasswordForm",
}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = None
# Behind reverse proxies, the client's address is read from X-Forwarded-For (see config.trusted_proxies).
ALLAUTH_TRUSTED_PROXY_COUNT = config.trusted_proxies()
# Every credential check is limited per IP address and per account (the key), as allauth counts them.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "activate": "20/m/ip,5/300s/key",
    "activate_member": "20/m/ip,5/300s/key",
    # Wrong client credentials at the portals' API (/api/v1/); counted per address only, so that nobody
    # can lock a portal out by failing with its client id.
    "api_auth_failed": "10/m/ip",
    # The current password that the vendor's self-service asks before a user ID or password change.
    "self_service_password": "20/m/ip,5/300s/key",
    # New user IDs refused there (a taken one tells that it exists), and the confirmation emails it sends
    # (the page asks the vendor to wait an hour).
    "self_service_user_id": "30/h/ip,10/h/key",
    "self_service_email": "20/h/ip,5/h/key",
    # Registration: links mailed per address asking, and NPWP checks per link (each tells whether an NPWP
    # has a head office somewhere, so it must not become a directory).
    "registration_link": "10/h/ip,3/h/key",
    "registration_npwp": "30/h/ip,10/h/key",
    # Forgot password: reset emails asked per IP and per address (the key), and the pages of the mailed
    # link (which check its key) per IP.
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    # User ID look-ups per IP and per NPWP (the key), and per email address typed: each mails an
    # address, so it must not become a way to flood one.
    "user_id_lookup": "10/h/ip,3/h/key",
    "user_id_lookup_email": "3/h/key",
    # Helpdesk sign-up, per address asking and per email address typed: each attempt past the security
    # code either mails a confirmation link or says that the user ID is taken.
    "helpdesk_signup": "10/h/ip,3/h/key",
}

# Roaming: the hub is the OpenID Connect provider of the aggregated portals. Authorization codes live in
# the cache (database or Redis), so that every server process can redeem them.
SATUPINTU_ISSUER = config.issuer()
IDP_OIDC_PRIVATE_KEY = config.oidc_private_key()
IDP_OIDC_ADAPTER = "satupintu.hub.sso.adapter.OIDCAdapter"
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = 600

# The captcha ("kode keamanan") is drawn by the hub itself: no third-party service sees the vendor.
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"

# Mail (the link that confirms a new email address) goes to the SMTP server the environment names.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST, EMAIL_PORT, DEFAULT_FROM_EMAIL = config.email()
EMAIL_TIMEOUT = 10  # seconds: a dead mail server gives the vendor a message, not a hung page
if config.mail_dir():
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = config.mail_dir()

# Indonesian first: it is the language of the users; English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The hub's own static files (hub/static) belong to no app: the finders must be told of them.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = config.data_dir() / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Uploaded documents (helpdesk attachments) live in the data folder and are never served as static
# files: the ticket's page serves them to those who may see the ticket. Uploads stay out of memory past
# the size Django holds in memory anyway.
MEDIA_ROOT = config.data_dir() / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = config.flag("SATUPINTU_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
