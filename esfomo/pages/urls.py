from django.urls import path

from esfomo.pages import homepage, views
from esfomo.pages.feeds import AnnouncementsFeed
from esfomo.serving.pagecache import public_page

app_name = "esfomo"

feed = public_page(AnnouncementsFeed())

urlpatterns = [
    path("", homepage.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    # The feeds' addresses name their type, so static hosts serve them as Atom too (export_static);
    # the older addresses without an extension keep answering.
    path("feed.atom", feed, name="feed"),
    path("feed/", feed, name="feed-alias"),
    path("<int:year>/", homepage.home, name="edition"),
    path("<int:year>/feed.atom", feed, name="edition-feed"),
    path("<int:year>/feed/", feed, name="edition-feed-alias"),
    path("<int:year>/card.png", views.social_card, name="social-card"),
    path("<int:year>/<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/", views.page, name="current-page"),
]
