from django.urls import include, path

from satupintu.portal import views
from satupintu.portal.events.views import hook

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("satupintu.portal.login.urls")),
    path("", include("satupintu.portal.vendors.urls")),
    path("", include("satupintu.portal.tenders.urls")),
    path("", include("satupintu.portal.qualification.urls")),
    path("", include("satupintu.portal.events.urls")),
    path("hooks/satupintu", hook, name="hook"),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = views.bad_request
handler403 = views.forbidden
handler404 = views.not_found
handler500 = views.server_error
