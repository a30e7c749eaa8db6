"""Every response carries the security headers: public pages, the admin, static files, 404s and errors."""

import pytest
from django.db.utils import OperationalError
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/call/", "/papers/", "/2024/", "/people/tri-dao/", "/sitemap.xml", "/robots.txt", "/healthz"]


def policy(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    """Parse a policy header into {directive: [sources]}."""
    directives = {}
    for part in response[header].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = sources
    return directives


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if response["Content-Type"].startswith("text/html"):
        # For older browsers; `frame-ancestors 'none'` says the same to every current one.
        assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "browsing-topics=()"):
        assert feature in permissions


def assert_strict_policy(response):
    """The public policy: this site's own files only, nothing inline, no plugins, no framing."""
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_strict_policy_and_the_other_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_common_headers(response)


def test_static_files_carry_the_headers_too(client):
    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert_strict_policy(response)
    assert_common_headers(response)


@pytest.mark.parametrize("path", ["/no-such-page/", "/2099/", "/people/nobody/", "/static/css/missing.css"])
def test_not_found_pages_carry_the_headers(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_strict_policy(response)
    assert_common_headers(response)


def test_a_bad_request_carries_the_headers(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_strict_policy(response)
    assert_common_headers(response)


def test_a_refused_oversized_body_carries_the_headers(client):
    response = client.post("/call/", data=b"", content_type="text/plain", CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413
    assert_strict_policy(response)
    assert_common_headers(response)


def test_a_server_error_carries_the_headers_and_shows_no_details(monkeypatch):
    def broken_view(*args, **kwargs):
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr("esfomo.pages.homepage.schedule_for", broken_view)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()
    assert "something went wrong" in response.content.decode()
    assert_strict_policy(response)
    assert_common_headers(response)


def test_the_outage_page_carries_the_headers(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("esfomo.pages.homepage.schedule_for", unreachable)
    response = client.get("/")
    assert response.status_code == 503
    assert_strict_policy(response)
    assert_common_headers(response)


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/does-not-exist/"])
def test_the_admin_login_has_the_admins_own_policy(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302, 404)
    assert_admin_policy(response)
    assert_common_headers(response)


@pytest.mark.parametrize("path", ["/admin/", "/admin/esfomo/edition/", "/admin/people/role/add/"])
def test_admin_pages_have_the_admins_own_policy(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert_admin_policy(response)
    assert_common_headers(response)


def assert_admin_policy(response):
    """The admin's policy may be looser for styles and images, never for scripts, plugins or framing."""
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_admins_policy_is_its_own_setting(client, settings):
    settings.ADMIN_CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'", "blob:"]}
    }
    assert policy(client.get("/admin/login/"))["img-src"] == ["'self'", "blob:"]
    assert policy(client.get("/"))["img-src"] == ["'self'"]


def test_cookies_are_http_only_and_same_site(client):
    response = client.get("/admin/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
