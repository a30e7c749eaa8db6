"""`make bench`, static archive: how long `export_static` takes for the demo and a 200-person edition, and its size.

Prints the size of a first export into an empty folder and the time it took (wall clock, and the
CPU time of the command, which moves less with the machine's load), then the time of a second
export with nothing changed and of a third after one edit (a person's affiliation, saved as the
admin saves it), with the files each run wrote. Each run is `python manage.py export_static` as
an organizer types it, Django's start included.

Environment: BENCH_EXPORT_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/esfomo_bench_export;
dropped and created again at each run, so it never reads DATABASE_URL).
"""

import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scratch import fresh_database

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "export-static"
DATABASE_URL = os.environ.get("BENCH_EXPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/esfomo_bench_export")
BASE_URL = "https://es-fomo.com"
YEAR, PEOPLE, SESSIONS, PAPERS = 2090, 200, 60, 300
EDIT = (
    "from people.models import Role; "
    f"role = Role.objects.filter(person__slug='synthetic-{YEAR}-1').first(); "
    "role.affiliation = 'Another University'; role.save()"
)
SUMMARY = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed, (\d+) unchanged")


def say(text=""):
    print(text, flush=True)


def environment():
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(RESULTS)),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "DATABASE_URL": DATABASE_URL,
        "STATIC_ROOT": str(RESULTS / "static"),
        "MEDIA_ROOT": str(RESULTS / "media"),
        "SITE_URL": BASE_URL,
    }


def manage(env, *args) -> str:
    run = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True)  # fmt: skip
    return run.stdout


def cpu_seconds():
    """CPU time of this script's finished children: unlike the wall clock, it moves little with the machine's load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_export(env, folder):
    """Wall and CPU seconds of one export_static run, and how many files it added, changed, removed and left."""
    start, cpu = time.perf_counter(), cpu_seconds()
    output = manage(env, "export_static", str(folder), "--base-url", BASE_URL)
    seconds = (time.perf_counter() - start, cpu_seconds() - cpu)
    added, changed, removed, unchanged = map(int, SUMMARY.search(output).groups())
    return seconds, {"added": added, "changed": changed, "removed": removed, "unchanged": unchanged}


def folder_size(folder):
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    say(f"Load average at start: {load_average()} (2 cores shared; figures are noisy when it is high)")
    shutil.rmtree(RESULTS, ignore_errors=True)
    RESULTS.mkdir(parents=True)
    fresh_database(DATABASE_URL)
    env = environment()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "synthesize_edition", str(YEAR), "--people", str(PEOPLE), "--sessions", str(SESSIONS),
           "--papers", str(PAPERS))  # fmt: skip
    manage(env, "collectstatic", "--noinput")
    folder = RESULTS / "site"

    runs = [("first, into an empty folder", *timed_export(env, folder))]
    count, size = folder_size(folder)
    synthetic = sum(path.stat().st_size for path in (folder / str(YEAR)).rglob("*") if path.is_file())
    people = list((folder / "people").glob(f"synthetic-{YEAR}-*/index.html"))
    runs.append(("again, nothing changed", *timed_export(env, folder)))
    manage(env, "shell", "-c", EDIT)
    runs.append(("after one edit (a person's affiliation)", *timed_export(env, folder)))

    say(f"\n## Static archive: the demo and a {PEOPLE}-person edition ({SESSIONS} sessions, {PAPERS} papers)\n")
    say(f"- folder: {count} files, {size / 1_000_000:.2f} MB; /{YEAR}/ {synthetic / 1_000_000:.2f} MB "
        f"and {len(people)} person pages of its people")  # fmt: skip
    say(f"- load average at the end: {load_average()}\n")
    say("| run | seconds | CPU seconds | added | changed | removed | unchanged |")
    say("| --- | --- | --- | --- | --- | --- | --- |")
    for label, (wall, cpu), files in runs:
        say(f"| {label} | {wall:.1f} | {cpu:.1f} | {files['added']} | {files['changed']} | {files['removed']} "
            f"| {files['unchanged']} |")  # fmt: skip


if __name__ == "__main__":
    main()
