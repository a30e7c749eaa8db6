from django.urls import path

from esfomo.pages import homepage, views
from esfomo.pages.feeds import AnnouncementsFeed
from esfomo.serving.pagecache import public_page

app_name = "esfomo"

urlpatterns = [
    path("", homepage.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("feed/", public_page(AnnouncementsFeed()), name="feed"),
    path("<int:year>/", homepage.home, name="edition"),
    path("<int:year>/feed/", public_page(AnnouncementsFeed()), name="edition-feed"),
    path("<int:year>/card.png", views.social_card, name="social-card"),
    path("<int:year>/<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/", views.page, name="current-page"),
]
