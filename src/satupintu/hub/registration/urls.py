from django.urls import path

from satupintu.hub.registration import views

app_name = "registration"
urlpatterns = [
    path("", views.start, name="start"),
    path("terkirim/", views.sent, name="sent"),
    path("konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("npwp/", views.npwp, name="npwp"),
    path("data/", views.details, name="details"),
    path("selesai/", views.done, name="done"),
]
