"""In production (DEBUG off, behind a TLS-terminating router) the site sends every protective header."""

import re
import secrets
import subprocess
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.servers import BASE_DIR, production_environ

pytestmark = pytest.mark.django_db(transaction=True)

HTTPS = {"X-Forwarded-Proto": "https"}


def cookies(response) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar


def test_production_pages_send_hsts_and_the_policies(serve):
    site = serve()
    for path in ("/", "/call/", "/admin/login/", "/no-such-page/"):
        response = site.get(path, headers=HTTPS)
        assert response.status in (200, 404), path
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]
    static = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', site.get("/", headers=HTTPS).text).group(1)
    response = site.get(static, headers=HTTPS)
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https(serve):
    site = serve(extra_env={"SECURE_SSL_REDIRECT": None})  # the production default
    response = site.get("/call/?x=1")
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{site.port}/call/?x=1"


def test_production_cookies_are_secure_http_only_and_same_site(serve, django_user_model):
    django_user_model.objects.create_superuser("organizer", "o@example.org", "a long passphrase 42")
    site = serve()
    login = site.get("/admin/login/", headers=HTTPS)
    csrf = cookies(login)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    origin = f"https://127.0.0.1:{site.port}"
    response = site.request(
        "POST",
        "/admin/login/?next=/admin/",
        body=urlencode({"csrfmiddlewaretoken": token, "username": "organizer", "password": "a long passphrase 42"}),
        headers={
            **HTTPS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf.value}",
            "Origin": origin,
            "Referer": origin + "/admin/login/",
        },
    )
    assert response.status == 302, response.text[:500]
    jar = cookies(response)
    for name in ("sessionid", "csrftoken"):
        assert jar[name]["secure"] is True, name
        assert jar[name]["httponly"] is True, name
        assert jar[name]["samesite"] == "Lax", name


def test_bad_host_headers_get_a_plain_400_and_no_error_log(serve):
    site = serve()
    for host in ("evil.example", "127.0.0.1:8000@evil.example", "x" * 300, "[::1", "a..b", ""):
        response = site.get("/", headers={**HTTPS, "Host": host})
        assert response.status == 400, host
        assert "bad request" in response.text
        assert "Traceback" not in response.text and "ALLOWED_HOSTS" not in response.text
    log = site.log()
    assert "Invalid HTTP_HOST" not in log
    assert "Traceback" not in log


def test_check_deploy_is_clean_in_production():
    env = {
        **production_environ(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
