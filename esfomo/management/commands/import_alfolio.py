import datetime
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from esfomo.importers.alfolio import ImportProblem, Options, Report, import_site, writing_steps


class _PartialLines:
    """Let tqdm redraw its line ("\r 40%"): Django's OutputWrapper would end every write with a newline."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value}: write the workshop day as YYYY-MM-DD, e.g. 2025-07-18.") from None


class Command(BaseCommand):
    help = (
        "Import a workshop site built with the al-folio Jekyll theme (a checkout of its repository): "
        "settings, people and sponsor cards with photos, homepage, schedule, pages and important dates. "
        "Safe to run again: it updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Folder of the site's checkout (the one with _config.yml and _pages/).")
        parser.add_argument(
            "--edition", type=int, metavar="YEAR", help="Edition to import into; default: the year the site names."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be created, updated and left alone; write nothing."
        )
        parser.add_argument(
            "--date",
            type=_date,
            metavar="YYYY-MM-DD",
            help="The workshop day, when the site does not give it (al-folio sites rarely do).",
        )
        parser.add_argument(
            "--time-zone",
            default="",
            metavar="ZONE",
            help="IANA zone of the venue, e.g. America/Vancouver; default: from the schedule's “All times PT”.",
        )
        parser.add_argument(
            "--name",
            default="",
            help="The edition's short name, e.g. “ES-FoMo III”; default: from the OpenReview group, else the title.",
        )
        parser.add_argument(
            "--last-session-minutes",
            type=int,
            default=30,
            metavar="N",
            help="Length of the schedule's last session, which has no next row to end it (default 30).",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the edition (a new one is otherwise created unpublished, for organizers to review).",
        )

    def handle(self, *args, path, edition, dry_run, date, time_zone, name, last_session_minutes, publish, **options):
        if time_zone and time_zone not in zoneinfo.available_timezones():
            raise CommandError(f"--time-zone {time_zone}: not an IANA time zone; write it like America/Vancouver.")
        if not 1 <= last_session_minutes <= 24 * 60:
            raise CommandError("--last-session-minutes must be between 1 and 1440.")
        settings = Options(
            year=edition, date=date, time_zone=time_zone, name=name, last_session_minutes=last_session_minutes,
            publish=publish, dry_run=dry_run,
        )  # fmt: skip
        # A progress bar only on a terminal: logs and pipes get the summary alone. It is drawn on
        # stderr, as progress bars are, so that stdout stays the report.
        bar = tqdm(
            desc="Importing",
            unit=" step",
            disable=not self.stdout.isatty(),
            leave=False,
            file=_PartialLines(self.stderr),
        )
        report = Report()

        def on_read(site):
            bar.total = bar.n + writing_steps(site)
            bar.refresh()

        try:
            import_site(path, settings, report, on_read=on_read, step=bar.update)
        except ImportProblem as problem:
            raise CommandError(f"{problem}\nNothing was imported.") from None
        except DatabaseError as error:
            raise CommandError(f"The database refused the import: {error}\nNothing was imported.") from None
        finally:
            bar.close()
        self.print_report(report, dry_run, int(options["verbosity"]))

    def print_report(self, report: Report, dry_run: bool, verbosity: int):
        for notice in report.notices:
            self.stderr.write(self.style.WARNING(f"Warning: {notice}"))
        if dry_run or verbosity >= 2:
            for change in report.changes if verbosity >= 2 else report.written:
                self.stdout.write(f"  {change.describe(dry_run)}")
        heading = "Dry run, nothing was written. The import would give:" if dry_run else "Imported:"
        self.stdout.write(self.style.SUCCESS(heading) if not dry_run else heading)
        for line in report.summary():
            self.stdout.write(f"  {line}")
