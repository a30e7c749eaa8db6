from django.urls import path

from esfomo.pages import views
from esfomo.pages.feeds import AnnouncementsFeed

app_name = "esfomo"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("feed/", AnnouncementsFeed(), name="feed"),
    path("<int:year>/", views.home, name="edition"),
    path("<int:year>/feed/", AnnouncementsFeed(), name="edition-feed"),
    path("<int:year>/card.png", views.social_card, name="social-card"),
    path("<int:year>/<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/", views.page, name="current-page"),
]
