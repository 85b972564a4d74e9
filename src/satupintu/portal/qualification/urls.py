from django.urls import path

from satupintu.portal.qualification import views

app_name = "qualification"
urlpatterns = [
    path("kualifikasi/", views.index, name="index"),
    path("kualifikasi/<slug:slug>/tambah/", views.edit, name="add"),
    path("kualifikasi/<slug:slug>/<int:pk>/ubah/", views.edit, name="edit"),
    path("kualifikasi/<slug:slug>/<int:pk>/hapus/", views.delete, name="delete"),
]
