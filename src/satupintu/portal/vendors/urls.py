from django.urls import path

from satupintu.portal.vendors import views

app_name = "vendors"
urlpatterns = [
    path("beranda/", views.home, name="home"),
    path("staf/penyedia/", views.accounts, name="accounts"),
]
