"""Production takes its settings from the environment only: a copy of the project without any `.env`."""

import json
import os
import runpy
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = (
    "manage.py",
    "gunicorn.conf.py",
    "Procfile",
    "esfomo",
    "people",
    "program",
    "templates",
    "admin_templates",
    "static",
)
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "esfomo.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://esfomo.example.org",
    "DATABASE_URL": "postgres://esfomo@db.example.org:5432/esfomo",
    "CACHE_URL": "redis://cache.example.org:6379/0",
}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The project as a PaaS builds it: its files, no `.env`, no development database."""
    folder = tmp_path_factory.mktemp("deployed")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    return folder


def run(folder, *args, **variables):
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **variables}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=folder, env=environment, capture_output=True, text=True, timeout=120
    )


def settings_of(folder, *names, **variables):
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = run(folder, "shell", "--no-imports", "-c", code, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_with_production_variables(deployed):
    result = run(deployed, "check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_complains_when_debug_is_on(deployed):
    result = run(deployed, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DEBUG="true")
    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(deployed):
    variables = {name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"}
    result = run(deployed, "check", **variables)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", [None, "False", "false", "0", "no"])
def test_debug_is_off_unless_asked_for_and_off_means_every_protection(deployed, debug):
    variables = dict(PRODUCTION) if debug is None else {**PRODUCTION, "DEBUG": debug}
    values = settings_of(
        deployed,
        "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "ALLOWED_HOSTS",
        **variables,
    )  # fmt: skip
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "ALLOWED_HOSTS": ["esfomo.example.org"],
    }


def test_whitenoise_comes_right_after_the_security_middleware(deployed):
    middleware = settings_of(deployed, "MIDDLEWARE", **PRODUCTION)["MIDDLEWARE"]
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    # Only the page cache and the header middleware come first, so that static files carry the policies too.
    assert middleware[0] == "esfomo.serving.pagecache.PageCacheMiddleware"
    assert set(middleware[1:security]) <= {
        "esfomo.serving.security.ContentSecurityPolicyMiddleware",
        "django_permissions_policy.PermissionsPolicyMiddleware",
    }


def test_the_cache_url_selects_redis_with_short_timeouts(deployed):
    cache = settings_of(deployed, "CACHES", **PRODUCTION)["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.example.org:6379/0"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def test_media_stay_on_disk_without_a_bucket_and_go_to_s3_with_one(deployed):
    local = settings_of(deployed, "STORAGES", **PRODUCTION)["STORAGES"]["default"]
    assert local == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = settings_of(
        deployed,
        "STORAGES",
        **PRODUCTION,
        AWS_STORAGE_BUCKET_NAME="esfomo-media",
        AWS_S3_ENDPOINT_URL="https://account.r2.cloudflarestorage.com",
        AWS_S3_REGION_NAME="auto",
        AWS_S3_CUSTOM_DOMAIN="media.esfomo.example.org",
    )["STORAGES"]["default"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"] | {"object_parameters": None} == {
        "bucket_name": "esfomo-media",
        "endpoint_url": "https://account.r2.cloudflarestorage.com",
        "region_name": "auto",
        "custom_domain": "media.esfomo.example.org",
        "default_acl": None,
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": None,
    }


def test_collectstatic_builds_hashed_and_compressed_files_without_a_database(deployed):
    """The PaaS build step: no database, no cache, only the variables the build has."""
    variables = {**PRODUCTION, "DATABASE_URL": "postgres://nowhere.invalid/none"}
    result = run(deployed, "collectstatic", "--noinput", **variables)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((deployed / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    for suffix in ("", ".gz", ".br"):
        assert (deployed / "staticfiles" / (hashed + suffix)).is_file()


def test_procfile_migrates_on_release_and_serves_with_gunicorn():
    processes = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert processes["release"] == "python manage.py migrate --noinput"
    assert processes["web"] == "gunicorn esfomo.wsgi --config gunicorn.conf.py"


def test_gunicorn_listens_on_port_with_web_concurrency_workers(monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == ["0.0.0.0:5123"]
    assert config["workers"] == 3
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 2


def test_the_python_version_is_pinned_for_paas_builders():
    assert (ROOT / ".python-version").read_text().strip() == "3.11"
