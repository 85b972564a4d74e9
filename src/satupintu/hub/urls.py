from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "SatuPintu"
admin.site.site_title = "SatuPintu"
admin.site.index_title = "Direktorat Sistem Pengadaan Digital"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
