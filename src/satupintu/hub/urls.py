from allauth.account.views import password_reset
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from satupintu.hub import views
from satupintu.hub.answer_time import no_sooner_than
from satupintu.hub.api import api
from satupintu.hub.sso.views import authorization

admin.site.site_header = "SatuPintu"
admin.site.site_title = "SatuPintu"
admin.site.index_title = "Direktorat Sistem Pengadaan Digital"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    # A vendor changes its email address and password at its self-service pages, which audit the change,
    # rate-limit the password check and tell the portals; allauth's own pages for these lead there.
    path("accounts/email/", RedirectView.as_view(pattern_name="selfservice:identity")),
    path("accounts/password/change/", RedirectView.as_view(pattern_name="selfservice:password")),
    # The forgotten-password form answers a known and an unknown address in the same time.
    path("accounts/password/reset/", no_sooner_than()(password_reset), name="account_reset_password"),
    path("accounts/", include("allauth.urls")),
    path("akun/", include("satupintu.hub.selfservice.urls")),
    path("aktivasi/", include("satupintu.hub.activation.urls")),
    path("api/v1/", api.urls),
    path("bantuan/", include("satupintu.hub.helpdesk.urls")),
    path("captcha/", include("captcha.urls")),
    path("daftar/", include("satupintu.hub.registration.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("layanan/", include("satupintu.hub.servicerequests.urls")),
    path("tinjauan/", include("satupintu.hub.review.urls")),
    path("verifikasi/", include("satupintu.hub.verification.urls")),
    # The roaming rules sit in front of the provider's own authorization endpoint, at the same address.
    path("identity/o/authorize", authorization, name="roaming_authorization"),
    path("", include("allauth.idp.urls")),
]
