"""The command's options, messages, progress bar and report."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from esfomo.models import Edition

from .conftest import TINY_OPTIONS, run_import, write_site

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_only(tmp_path):
    site = write_site(tmp_path)
    out, err = Terminal(), StringIO()
    call_command("import_alfolio", str(site), *TINY_OPTIONS, stdout=out, stderr=err)
    assert "Importing:" in err.getvalue() and "%|" in err.getvalue()  # a bar with its share done
    out, err = StringIO(), StringIO()
    call_command("import_alfolio", str(site), *TINY_OPTIONS, stdout=out, stderr=err)
    assert "Importing" not in err.getvalue() and "Imported:" in out.getvalue()


def test_the_summary_counts_each_kind_of_object(tmp_path):
    output = run_import(write_site(tmp_path), *TINY_OPTIONS, "--name", "Testing I", "--publish")
    lines = output.splitlines()
    for line in ("editions: 1 created", "people: 1 created", "roles: 1 created", "sessions: 3 created",
                 "talks: 1 created", "images: 1 imported"):  # fmt: skip
        assert f"  {line}" in lines
    assert not any(line.strip().startswith("announcements") for line in lines)  # the small site has none
    edition = Edition.objects.get(year=2031)
    assert (edition.name, edition.acronym, edition.is_published) == ("Testing I", "testing2031", True)


def test_verbosity_two_lists_what_was_left_alone(tmp_path):
    site = write_site(tmp_path)
    run_import(site, *TINY_OPTIONS)
    output = run_import(site, *TINY_OPTIONS, "--verbosity", "2")
    assert "person “Ann Lee”: left alone" in output and "session “Coffee break, 09:40”: left alone" in output


def test_the_last_session_lasts_as_long_as_asked(tmp_path):
    run_import(write_site(tmp_path), *TINY_OPTIONS, "--last-session-minutes", "45")
    last = Edition.objects.get(year=2031).sessions.order_by("start").last()
    assert last.duration.total_seconds() == 45 * 60


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--time-zone", "Mars/Olympus"), "not an IANA time zone"),
        (("--date", "18/07/2031"), "write the workshop day as YYYY-MM-DD"),
        (("--last-session-minutes", "0"), "between 1 and 1440"),
    ],
)
def test_bad_options_are_refused_clearly(tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        run_import(write_site(tmp_path), *options)


def test_the_edition_year_comes_from_the_site_or_the_option(tmp_path):
    site = write_site(tmp_path)
    run_import(site, *TINY_OPTIONS, "--edition", "2032")
    assert Edition.objects.filter(year=2032).exists() and not Edition.objects.filter(year=2031).exists()
