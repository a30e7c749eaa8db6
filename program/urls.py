from django.urls import path

from . import views
from .exporters import C3vocJsonExporter, FrabXmlExporter, ICalExporter

app_name = "program"

ICS, JSON, XML = {"exporter": ICalExporter}, {"exporter": C3vocJsonExporter}, {"exporter": FrabXmlExporter}

urlpatterns = [
    path("papers/", views.papers, name="current-papers"),
    path("<int:year>/papers/", views.papers, name="papers"),
    path("schedule.ics", views.schedule_export, ICS, name="current-schedule-ics"),
    path("<int:year>/schedule.ics", views.schedule_export, ICS, name="schedule-ics"),
    path("schedule.json", views.schedule_export, JSON, name="current-schedule-json"),
    path("<int:year>/schedule.json", views.schedule_export, JSON, name="schedule-json"),
    path("schedule.xml", views.schedule_export, XML, name="current-schedule-xml"),
    path("<int:year>/schedule.xml", views.schedule_export, XML, name="schedule-xml"),
    path("<int:year>/schedule/<uuid:uid>.ics", views.session_calendar, name="session-ics"),
    path("important-dates.ics", views.dates_calendar, name="current-dates-ics"),
    path("<int:year>/important-dates.ics", views.dates_calendar, name="dates-ics"),
]
