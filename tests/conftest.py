"""Shared test setup: a throw-away media folder, the demo edition loaded once, Debian's chromium."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

# pytest-playwright runs an asyncio loop in the main thread; Django's ORM refuses sync calls there
# unless told this test process is allowed (tests only, never in settings).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DATA = Path(__file__).parent / "data"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str):
    """Skip a test whose service or tool is missing on a newcomer's machine; in CI, fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def media_root():
    """Keep uploads and renditions made by the tests out of the project's media folder."""
    folder = tempfile.mkdtemp(prefix="esfomo-test-media-")
    with override_settings(MEDIA_ROOT=folder):
        yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def static_manifest(tmp_path_factory):
    """Collect static files once, as production does, so pages get their hashed names."""
    folder = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=folder):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield folder


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, media_root):
    """Load the demo editions once; each test runs in a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Pages kept during one test never answer the next: a rolled-back test can bring a content version back."""
    from esfomo.serving import pagecache

    pagecache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists(), f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir(output_path):
    """Folder of the test run's output where browser tests save their screenshots."""
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo_site(live_server, django_db_blocker):
    """The live server with the demo editions (browser tests run last, in a flushed database)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
    return live_server


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, but serving the production WSGI application (esfomo/wsgi.py).

    Django's test server would otherwise serve /static/ and /media/ itself from the source
    folders, which knows nothing of the hashed, compressed names the pages link to, and would
    leave out the page cache in front of Django.
    """
    from django.core.wsgi import get_wsgi_application
    from pytest_django.live_server_helper import LiveServer

    from esfomo.serving.pagecache import PageCache

    # Built now, with the test settings in force (esfomo.wsgi may have been imported earlier).
    production_application = PageCache(get_wsgi_application())
    server = LiveServer("localhost:0", start=False)
    server.thread.static_handler = lambda test_application: production_application
    server.start()
    yield server
    server.stop()
