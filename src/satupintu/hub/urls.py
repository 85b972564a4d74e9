from django.contrib import admin
from django.urls import include, path

from satupintu.hub import views

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
]
