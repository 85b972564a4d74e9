from django.urls import path

from satupintu.hub.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("daring/", views.online, name="online"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/jadwal/", views.schedule, name="schedule"),
    path("<int:pk>/setujui/", views.approve, name="approve"),
    path("<int:pk>/tolak/", views.reject, name="reject"),
]
