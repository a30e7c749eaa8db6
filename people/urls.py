from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.index, name="index"),
    path("people/<slug:slug>/", views.person, name="person"),
]
