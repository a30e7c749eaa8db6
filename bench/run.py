"""`make bench`: the site as in production (gunicorn, PostgreSQL, Redis) measured against its ceiling.

Prints, for the demo edition's public addresses: requests per second and p50/p99 latency with
the page cache warm and with caching off (CACHE_URL=dummycache://), next to the same gunicorn
answering the same bytes with no framework (bench/ceiling.py), and the ratios; the query counts
of a tiny and a large synthesized edition; the homepage's first-visit weight; and Lighthouse's
scores for the homepage. Load goes to 127.0.0.1 only, for a bounded time.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/esfomo_bench; that
database is dropped and created again at each run, so it never reads DATABASE_URL), BENCH_CACHE_URL
(default redis://127.0.0.1:6379/3), BENCH_SECONDS per measurement (default 10), BENCH_CONNECTIONS
(default 8).
"""

import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html
from scratch import fresh_database

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PATHS = ("/", "/call/", "/papers/", "/schedule.json", "/schedule.ics")
# What any Django request costs here, with caching off: one that renders a line and reads nothing,
# and one that asks PostgreSQL one trivial query. They bound what a page reading the database can reach.
FLOORS = ("/robots.txt", "/healthz")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/esfomo_bench")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
# As a PaaS router forwards a visitor's request.
ROUTER_HEADERS = {"X-Forwarded-Proto": "https"}
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_ATTEMPTS = 3
CHROMIUM_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
                  "--disable-component-update --disable-sync")  # fmt: skip


def say(text=""):
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(static_root, media_root, **overrides):
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(RESULTS)),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": CACHE_URL,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        **overrides,
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def request(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={**ROUTER_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.reason, response.getheaders(), response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(app, env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--config", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT if app.startswith("esfomo") else BENCH, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                request(port, "/healthz")
                break
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(port, path):
    """Return requests/s, p50 and p99 in milliseconds for one address."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for name, value in ROUTER_HEADERS.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout

    def milliseconds(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": milliseconds("50%"),
        "p99": milliseconds("99%"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def mean_run(*runs):
    """The average of several wrk runs of one address."""
    return {key: sum(run[key] for run in runs) / len(runs) for key in runs[0]}


def kept_response(status, reason, headers, body):
    """A response as the ceiling answers it again: without the headers each answer makes anew."""
    kept = [(n, v) for n, v in headers if n.lower() not in ("date", "server", "connection")]
    return (f"{status} {reason}", kept, base64.b64encode(body).decode())


def page_weight(port):
    """Bytes on the wire for a first visit of the homepage (brotli, as browsers ask), photos apart."""
    accept = {"Accept-Encoding": "br, gzip"}
    _, _, _, html = request(port, "/", accept)
    _, _, _, plain = request(port, "/")
    document = lxml.html.fromstring(plain)
    weights = {"html": len(html)}
    links = document.xpath("//link[@rel='stylesheet']/@href") + document.xpath("//script/@src")
    links += document.xpath("//link[@rel='icon']/@href")
    for link in links:
        _, _, _, body = request(port, link, accept)
        kind = link.rsplit(".", 1)[-1]
        weights[kind] = weights.get(kind, 0) + len(body)
    photos = [img.get("src") for img in document.xpath("//img")]
    sources = [s.get("srcset").split(",")[0].split()[0] for s in document.xpath("//picture/source[@type='image/webp']")]
    weights["photos (webp, first candidate)"] = sum(len(request(port, src)[3]) for src in sources)
    weights["largest photo"] = max((len(request(port, src)[3]) for src in sources), default=0)
    weights["images on the page"] = len(photos)
    return weights


def lighthouse(port):
    if not LIGHTHOUSE.exists():
        return {"skipped": "bench/node_modules missing (npm ci --prefix bench)"}
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return {"skipped": f"no chromium at {chromium}"}
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        with tempfile.TemporaryDirectory() as profile:
            result = subprocess.run(
                [str(LIGHTHOUSE), f"http://127.0.0.1:{port}/", "--quiet", "--output=json", "--output-path=stdout",
                 "--only-categories=performance,accessibility,best-practices,seo",
                 f"--chrome-flags={CHROMIUM_FLAGS} --user-data-dir={profile}",
                 f"--extra-headers={json.dumps(ROUTER_HEADERS)}"],
                capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300,
            )  # fmt: skip
        if result.returncode == 0:
            break
        # Lighthouse's own advice for a failed trace recording (NO_NAVSTART and the like): run it again.
        say(f"Lighthouse attempt {attempt} failed: {result.stderr.strip().splitlines()[-1:]}")
    if result.returncode != 0:
        return {"failed": result.stderr[-500:]}
    report = json.loads(result.stdout)
    (RESULTS / "lighthouse-home.json").write_text(result.stdout)
    scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    failing = sorted(
        audit["id"] for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
    )  # fmt: skip
    return {**scores, "failing binary audits": failing}


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def row(cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def main():
    RESULTS.mkdir(exist_ok=True)
    say(f"Load average at start: {load_average()} (2 cores shared; figures are noisy when it is high)")
    fresh_database(DATABASE_URL)
    static_root, media_root = RESULTS / "static", RESULTS / "media"
    shutil.rmtree(media_root, ignore_errors=True)
    env = environment(static_root, media_root)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")

    results = {"load_start": load_average(), "seconds": SECONDS, "connections": CONNECTIONS}
    # Lighthouse also fetches /robots.txt without the router's header: no redirect to an https
    # that nothing serves here. Everything else is as in production.
    with gunicorn("esfomo.wsgi", environment(static_root, media_root, SECURE_SSL_REDIRECT="false")) as port:
        results["lighthouse"] = lighthouse(port)

    with contextlib.ExitStack() as servers:
        warm = servers.enter_context(gunicorn("esfomo.wsgi", env))
        available, responses = [], {}
        for path in PATHS:
            status, reason, headers, body = request(warm, path)
            if status != 200:
                say(f"{path}: {status} on this branch, skipped")
                continue
            available.append(path)
            for _ in range(3):
                status, reason, headers, body = request(warm, path)
            outcome = dict(headers).get("X-Page-Cache")
            if outcome != "hit":
                say(f"{path}: not served from the page cache ({outcome})")
            responses[path] = kept_response(status, reason, headers, body)
        results["weight"] = page_weight(warm)

        no_cache_env = environment(static_root, media_root, CACHE_URL="dummycache://")
        no_cache = servers.enter_context(gunicorn("esfomo.wsgi", no_cache_env))
        for path in FLOORS:
            responses[path] = kept_response(*request(no_cache, path))
        # The default without CACHE_URL: each process's memory, checked against the database per request.
        local_env = environment(static_root, media_root, CACHE_URL="locmemcache://bench")
        local = servers.enter_context(gunicorn("esfomo.wsgi", local_env))
        for path in available:
            for _ in range(3):
                request(local, path)

        responses_file = RESULTS / "responses.json"
        responses_file.write_text(json.dumps(responses))
        ceiling = servers.enter_context(
            gunicorn("ceiling:application", {**env, "BENCH_RESPONSES": str(responses_file)})
        )
        # Each address's runs between two runs of the ceiling, so that each ratio compares figures of
        # the same minute: the machine's speed drifts by more than the differences measured.
        for name in ("warm", "no cache", "local memory", "ceiling", "floors", "floors ceiling"):
            results[name] = {}
        for path in available:
            before = wrk(ceiling, path)
            results["warm"][path] = wrk(warm, path)
            results["no cache"][path] = wrk(no_cache, path)
            results["local memory"][path] = wrk(local, path)
            results["ceiling"][path] = mean_run(before, wrk(ceiling, path))
        for path in FLOORS:
            before = wrk(ceiling, path)
            results["floors"][path] = wrk(no_cache, path)
            results["floors ceiling"][path] = mean_run(before, wrk(ceiling, path))

    query_run = subprocess.run([sys.executable, str(BENCH / "queries.py")], cwd=ROOT, env=env, capture_output=True,
                               text=True, check=True)  # fmt: skip
    results["queries"] = json.loads(query_run.stdout.strip().splitlines()[-1])
    results["load_end"] = load_average()
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    report(results, available)


def report(results, available):
    say(f"\n## Throughput ({results['seconds']} s per run, {results['connections']} connections, "
        f"load {results['load_start']} → {results['load_end']})\n")  # fmt: skip
    columns = (("warm", "warm cache (Redis)"), ("no cache", "no cache"), ("local memory", "local memory"),
               ("ceiling", "ceiling"))  # fmt: skip
    header = ["address"]
    for _, title in columns:
        header += [f"{title} req/s", "p50 / p99 ms"]
    say(row([*header, "warm ÷ ceiling", "no cache ÷ ceiling", "local memory ÷ ceiling"]))
    say(row(["---"] * (len(header) + 3)))
    for path in available:
        cells = [f"`{path}`"]
        for key, _ in columns:
            run = results[key][path]
            cells += [f"{run['rps']:.0f}", f"{run['p50']:.2f} / {run['p99']:.2f}"]
        ceiling = results["ceiling"][path]["rps"]
        cells += [f"{results[key][path]['rps'] / ceiling:.2f}" for key in ("warm", "no cache", "local memory")]
        say(row(cells))
    say("\n## Floors: any Django request here, caching off\n")
    say(row(["address", "req/s", "p50 / p99 ms", "ceiling req/s", "÷ ceiling"]))
    say(row(["---"] * 5))
    for path in FLOORS:
        run, ceiling = results["floors"][path], results["floors ceiling"][path]
        say(row([f"`{path}`", f"{run['rps']:.0f}", f"{run['p50']:.2f} / {run['p99']:.2f}", f"{ceiling['rps']:.0f}",
                 f"{run['rps'] / ceiling['rps']:.2f}"]))  # fmt: skip
    say("\n## Queries per page (synthesized editions)\n")
    say(row(["address", "tiny (4 people, 3 sessions, 3 papers)", "large (200 people, 60 sessions, 300 papers)"]))
    say(row(["---"] * 3))
    for path, counts in results["queries"].items():
        say(row([f"`{path}`", counts["tiny"] if counts["tiny"] is not None else "404", counts["large"] or "404"]))
    say("\n## Homepage first visit (bytes on the wire, brotli)\n")
    weight = results["weight"]
    for name, value in weight.items():
        say(f"- {name}: {value:,}")
    code = sum(value for name, value in weight.items() if name in ("html", "css", "js", "svg"))
    say(f"- total without photos: {code:,} bytes ({code / 1024:.1f} KB)")
    say("\n## Lighthouse (homepage, mobile)\n")
    for name, value in results["lighthouse"].items():
        say(f"- {name}: {value}")


if __name__ == "__main__":
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    main()
