from django.urls import path

from . import views

app_name = "esfomo"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("<int:year>/", views.home, name="edition"),
    path("<int:year>/<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/", views.page, name="current-page"),
]
