from django.urls import path

from . import views

app_name = "program"

urlpatterns = [
    path("papers/", views.papers, name="current-papers"),
    path("<int:year>/papers/", views.papers, name="papers"),
]
