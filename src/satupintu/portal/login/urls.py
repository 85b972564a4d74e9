from django.urls import path

from satupintu.portal.login import views

app_name = "login"
urlpatterns = [
    path("masuk/", views.local, name="local"),
    path("keluar/", views.sign_out, name="sign_out"),
    path("masuk/inaproc/", views.inaproc_start, name="inaproc"),
    path("masuk/inaproc/callback", views.inaproc_callback, name="callback"),
]
