from django.urls import path

from satupintu.hub.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("akun/<int:pk>/", views.detail, name="detail"),
    path("akun/<int:pk>/<slug:action>/", views.act, name="act"),
]
