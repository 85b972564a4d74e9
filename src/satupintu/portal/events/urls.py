from django.urls import path

from satupintu.portal.events import views

app_name = "events"
urlpatterns = [
    path("staf/peristiwa/", views.status, name="status"),
    path("staf/peristiwa/tarik/", views.pull, name="pull"),
]
