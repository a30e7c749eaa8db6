"""Import a workshop site built with the al-folio Jekyll theme: `python manage.py import_alfolio PATH`.

It composes a whole edition: the site's models with the people's and the programme's.

Reading (checkout, frontmatter, kramdown, cards, roster, homepage, pages, dates, schedule, site)
finishes before writing starts. Writing (writer, people_writer, schedule_writer) goes through the
site's one writer (esfomo/content/writer.py), in one transaction: any error leaves the database and
the media folder as they were.
"""

from collections.abc import Callable

from esfomo.content.writer import Report, WriteError, Writer

from .checkout import Checkout
from .options import Options
from .photos import Photos
from .problems import ImportProblem, Notice, Where
from .site import SiteDraft, read_site
from .writer import SiteWriter

__all__ = ["ImportProblem", "Notice", "Options", "Report", "Where", "import_site", "writing_steps"]


def writing_steps(site: SiteDraft) -> int:
    """How many steps writing takes, for a progress bar: the edition, people, sponsors, sessions, dates, pages."""
    return (
        1
        + len(site.roster.people)
        + len(site.roster.ordered_sponsors())
        + len(site.sessions)
        + len(site.dates)
        + len(site.pages)
    )


def import_site(
    path, options: Options, report: Report | None = None, on_read: Callable | None = None, step=lambda: None
):
    """Import the checkout at `path`; return the report. A dry run rolls everything back.

    `on_read(site)` is called once the site is read, before writing (to size a progress bar);
    `step()` once per file read and per object written.
    """
    report = report or Report()
    checkout = Checkout(path)
    site = read_site(checkout, options.year, step)
    for notice in site.notices:
        report.warn(notice)
    if on_read:
        on_read(site)
    photos = Photos(checkout, report)
    try:
        with Writer(f"the al-folio site {checkout.root.name}", dry_run=options.dry_run, report=report) as writer:
            SiteWriter(site, options, writer, photos, step).write()
    except WriteError as error:
        if isinstance(error, ImportProblem):
            raise
        raise ImportProblem(error.message, error.where) from None
    return report
