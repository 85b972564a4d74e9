from django.urls import path

from satupintu.hub.activation import views

app_name = "activation"
urlpatterns = [
    path("", views.start, name="start"),
    path("user-id-baru/", views.new_user_id, name="new_user_id"),
    path("non-aktif/", views.member, name="member"),
]
