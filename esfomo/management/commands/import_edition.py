from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from esfomo.content.archive import ArchiveError, import_edition


class Command(BaseCommand):
    help = "Create an edition from an archive written by export_edition (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive, e.g. esfomo-2025.zip.")
        parser.add_argument("--dry-run", action="store_true", help="Check the archive completely, save nothing.")

    def handle(self, path, dry_run, **options):
        try:
            report = import_edition(path, dry_run=dry_run).report
        except ArchiveError as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        for notice in report.notices:
            self.stdout.write(str(notice))
        for line in report.summary():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
