from django.urls import path

from satupintu.hub.servicerequests import views

app_name = "servicerequests"
urlpatterns = [
    path("", views.index, name="index"),
    path("user-id/", views.user_id, name="user_id"),
    path("user-id/terkirim/", views.user_id_sent, name="user_id_sent"),
    path("npwp/", views.npwp_change, name="npwp_change"),
    path("email/", views.email_change, name="email_change"),
    path("kata-sandi/", views.password_reset, name="password_reset"),
    path("diajukan/", views.submitted, name="submitted"),
    path("<int:pk>/", views.detail, name="detail"),
]
