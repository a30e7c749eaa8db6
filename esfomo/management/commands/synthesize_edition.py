from django.core.management.base import BaseCommand, CommandError

from esfomo.demo.synthetic import Sizes, synthesize


class Command(BaseCommand):
    help = "Create a large synthetic edition (published, not current) for benchmarks and query-budget checks."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="The edition's year, e.g. 2090 (shown at /2090/).")
        parser.add_argument("--people", type=int, default=200, help="People, each with a role (default 200).")
        parser.add_argument("--sessions", type=int, default=60, help="Sessions in the plan (default 60).")
        parser.add_argument("--papers", type=int, default=300, help="Accepted papers (default 300).")
        parser.add_argument("--replace", action="store_true", help="Delete an existing edition of that year first.")

    def handle(self, *args, year, people, sessions, papers, replace, **options):
        if min(people, sessions, papers) < 1:
            raise CommandError("--people, --sessions and --papers must each be at least 1.")
        try:
            edition = synthesize(year, Sizes(people=people, sessions=sessions, papers=papers), replace=replace)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic edition {edition.year} ready at /{edition.year}/: "
                f"{people} people, {sessions} sessions, {papers} papers."
            )
        )
