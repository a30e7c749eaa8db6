"""The readiness page validates the schedule feeds against the official schemas before publishing."""

import pytest

from esfomo import readiness
from esfomo.models import Edition
from program.readiness import c3voc_errors, frab_errors, ical_errors

pytestmark = pytest.mark.django_db
HEADING = "Schedule feeds for calendars and apps"


def export_problems(edition):
    return next(section for section in readiness.run(edition) if section.heading == HEADING).problems


def test_the_demo_feeds_pass_their_schemas():
    assert export_problems(Edition.objects.get(year=2025)) == []


def test_an_acronym_the_apps_reject_is_reported_with_a_link_to_the_edition():
    # Model validation refuses such an acronym; a direct database write can still leave one behind.
    Edition.objects.filter(year=2025).update(acronym="ES-FoMo 2025")
    edition = Edition.objects.get(year=2025)
    problems = export_problems(edition)
    messages = " ".join(problem.message for problem in problems)
    assert "c3voc JSON" in messages and "acronym" in messages
    assert "frab XML" in messages
    assert all(problem.obj == edition for problem in problems)


def test_each_validator_can_fail():
    assert c3voc_errors('{"schedule": {}}')
    assert frab_errors("<schedule/>")
    assert ical_errors("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART:20250718T083000\nEND:VEVENT\nEND:VCALENDAR\n")
    assert ical_errors("not a calendar")
