from django.urls import path

from satupintu.portal.tenders import views

app_name = "tenders"
urlpatterns = [
    path("paket/<str:code>/", views.detail, name="detail"),
    path("paket/<str:code>/daftar/", views.register, name="register"),
]
