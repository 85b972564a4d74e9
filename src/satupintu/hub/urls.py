from django.contrib import admin
from django.urls import include, path

from satupintu.hub import views
from satupintu.hub.sso.views import authorization

admin.site.site_header = "SatuPintu"
admin.site.site_title = "SatuPintu"
admin.site.index_title = "Direktorat Sistem Pengadaan Digital"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("aktivasi/", include("satupintu.hub.activation.urls")),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The roaming rules sit in front of the provider's own authorization endpoint, at the same address.
    path("identity/o/authorize", authorization, name="roaming_authorization"),
    path("", include("allauth.idp.urls")),
]
