from django.urls import path

from satupintu.hub.helpdesk import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("baru/", views.new_ticket, name="new"),
    path("laporan/", views.reports, name="reports"),
    path("<int:pk>/", views.ticket, name="ticket"),
    path("<int:pk>/berkas/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("akun-baru/", views.signup_view, name="signup"),
    # Before the link's pattern: no token is ever this word (a signed token holds ':').
    path("akun-baru/terkirim/", views.signup_sent, name="signup_sent"),
    path("akun-baru/<str:token>/", views.signup_confirm, name="signup_confirm"),
]
