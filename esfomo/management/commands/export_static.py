from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from esfomo.pages.static_export import ExportError, export_site


class Command(BaseCommand):
    help = (
        "Write the whole published site as plain files with the same addresses, for any static host "
        "(GitHub Pages, an S3 bucket, python -m http.server). Running it again writes only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="The folder to write, e.g. archive/: a new or empty one, or a previous export."
        )
        parser.add_argument(
            "--base-url",
            help="The address the archive will be served at, e.g. https://es-fomo.com (default: SITE_URL). "
            "Canonical links, share cards, feeds and calendars name it.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing: list what would be added, changed and removed; exit with status 1 if anything would.",
        )

    def handle(self, path, base_url, check, **options):
        try:
            report = export_site(path, base_url=base_url, check=check)
        except ExportError as error:
            raise CommandError(str(error)) from error
        for problem in report.problems:
            self.stderr.write(f"Warning: {problem}")
        if check:
            for label, names in (("add", report.added), ("change", report.changed), ("remove", report.removed)):
                for name in names:
                    self.stdout.write(f"would {label} {name}")
            self.stdout.write(f"{report}" if report.changes else f"{path} is up to date: {report}")
            if report.changes:
                raise CommandError(f"{report.changes} files of {path} would change.", returncode=1)
            return
        self.stdout.write(self.style.SUCCESS(f"Exported to {path}: {report}"))
