"""Admin logins are locked out after repeated failures, per username and per address; a superuser unlocks."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory

from esfomo.serving.addresses import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 42"
HOME, ELSEWHERE = "198.51.100.7", "203.0.113.9"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Dozens of logins here: a fast hasher keeps them quick (the throttling does not depend on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organizer(django_user_model):
    return django_user_model.objects.create_superuser("organizer", "o@example.org", PASSWORD)


def log_in(client, username="organizer", password=PASSWORD, address=HOME, **headers):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, times, username="organizer", address=HOME):
    for _ in range(times):
        response = log_in(client, username, "wrong password", address)
        assert response.status_code in (200, 429)
    return response


def assert_locked_out(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert "sign-in paused" in html
    assert "5 failed sign-ins" in html and "30 minutes" in html
    assert "superuser" in html
    assert 'href="/static/css/site.' in html  # the site's look
    assert "_auth_user_id" not in response.wsgi_request.session


def assert_logged_in(response):
    assert response.status_code == 302, response.content.decode()[:300]
    assert response["Location"] == "/admin/"


def test_four_failures_show_the_usual_form_error(client, organizer):
    response = fail(client, 4)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert_logged_in(log_in(client))


def test_the_fifth_failure_locks_the_username_even_with_the_right_password(client, organizer):
    assert_locked_out(fail(client, 5))
    assert_locked_out(log_in(client))
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_the_lock_follows_the_username_to_another_address(client, organizer):
    fail(client, 5, address=HOME)
    assert_locked_out(log_in(client, address=ELSEWHERE))


def test_one_address_guessing_many_usernames_is_locked_out(client, organizer):
    for name in ("admin", "root", "chair", "tri", "beidi"):
        log_in(client, name, "guess", address=HOME)
    assert_locked_out(log_in(client, address=HOME))
    assert_logged_in(log_in(client, address=ELSEWHERE))


def test_a_successful_login_clears_the_usernames_failures(client, organizer):
    fail(client, 4)
    assert_logged_in(log_in(client))
    client.logout()
    fail(client, 4, address=ELSEWHERE)
    assert_logged_in(log_in(client, address=ELSEWHERE))


def test_a_superuser_unlocks_a_username_with_a_command(client, organizer):
    fail(client, 5, address=HOME)
    assert_locked_out(log_in(client, address=ELSEWHERE))
    call_command("axes_reset_username", "organizer", verbosity=0)
    # Still locked from HOME: that address made the five failures.
    assert_logged_in(log_in(client, address=ELSEWHERE))


def test_a_superuser_unlocks_an_address_with_a_command(client, organizer):
    for name in ("admin", "root", "chair", "tri", "beidi"):
        log_in(client, name, "guess", address=HOME)
    assert_locked_out(log_in(client, address=HOME))
    call_command("axes_reset_ip", HOME, verbosity=0)
    assert_logged_in(log_in(client, address=HOME))


def test_a_superuser_unlocks_in_the_admin(client, organizer, admin_client):
    fail(client, 5)
    assert_locked_out(log_in(client))
    attempts = admin_client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200
    assert "organizer" in attempts.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert_logged_in(log_in(client))


def test_forged_or_garbage_forwarded_addresses_never_break_the_login(client, organizer):
    for forwarded in ("not-an-address", "1.2.3.4, <script>", "", ", ,", "999.1.1.1", "::1, 2001:db8::1"):
        response = log_in(client, password="wrong password", HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code in (200, 429), forwarded  # a refusal or the lockout, never a 500
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {HOME, "2001:db8::1"}


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1, 203.0.113.9", "203.0.113.9"),  # the left part was written by the visitor
        (2, "203.0.113.9, 192.0.2.1", "203.0.113.9"),  # a CDN in front of the router
        (0, "203.0.113.9", HOME),  # no proxy trusted: the connection's peer
        (1, "", HOME),
        (2, "203.0.113.9", HOME),  # fewer proxies than trusted: the header is not believed
        (1, "garbage", HOME),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
