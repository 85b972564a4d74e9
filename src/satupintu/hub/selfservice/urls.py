from django.urls import path

from satupintu.hub.selfservice import views

app_name = "selfservice"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("user-id/", views.user_id, name="user_id"),
    path("kata-sandi/", views.password, name="password"),
    path("identitas/", views.identity, name="identity"),
    path("email/verifikasi/", views.verify_email, name="verify_email"),
    path("email/konfirmasi/<str:token>/", views.confirm_email, name="confirm_email"),
]
