"""Settings for the ES-FoMo portal, read from the environment (12-factor).

Every value a host may change comes from an environment variable (or a local `.env`
file during development); see README "Deploy" for the list.
"""

import datetime
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` (created by `make run` / `make test`) holds the development values;
# on a PaaS the real environment wins because read_env does not overwrite it.
environ.Env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------------

# No fallback: a missing key must stop the process, never silently weaken sessions.
SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)

# Local development answers on the loopback names only; production lists its hosts.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so `runserver` serves files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    # The organizers' admin: history with revert and recovery, drag-and-drop ordering.
    "reversion",
    "adminsortable2",
    "esfomo",
    "people",
    "program",
]

MIDDLEWARE = [
    # First: a kept page is answered before anything else runs (it keeps the headers added below).
    "esfomo.serving.pagecache.PageCacheMiddleware",
    # So that every response carries the policies: static files, redirects and errors too.
    "esfomo.serving.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware: static files skip the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that error answers from the middleware below (a bad Host is one) carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything reads the body or the query: oversized bodies, NUL characters.
    "esfomo.serving.security.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A view that cannot reach the database answers with the friendly 503 page.
    "esfomo.serving.security.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "esfomo.urls"
WSGI_APPLICATION = "esfomo.wsgi.application"

TEMPLATES = [
    # The public pages (templates/, esfomo/jinja2.py); the admin, its overrides (admin_templates/) and
    # Django's own pages use the second.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "esfomo.pages.jinja2.environment"},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------

# Embedded SQLite is the zero-setup default for `make run`; hosts and CI set DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections, checked before reuse, so the site recovers by itself after
# the database restarts.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer at all (packets dropped, not refused) fails a connection in
    # seconds, so pages answer with the outage page instead of hanging until the worker is killed.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The order of speakers and sponsors is unique through deferrable constraints, so drag-and-drop
# may swap two positions in one transaction. SQLite (local development only) cannot defer them.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# --- Cache and page cache ---------------------------------------------------------

# Where the page cache keeps pages (esfomo/serving/pagecache.py): each process's memory by default; a
# Redis URL (e.g. redis://cache.internal:6379/0) when several processes should share them, so a page
# is rendered once for all; dummycache:// keeps nothing.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://esfomo")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Give up quickly on an unreachable Redis: each process then keeps its own pages.
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=0.5, socket_timeout=0.5)

# How long a kept page is served before it is rendered again (a change of content replaces it at
# once); also how long a CDN may keep it (s-maxage) and how late a scheduled announcement may show.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# A kept page stays this long past its freshness, to be served while Django cannot answer.
PAGE_CACHE_STALE_SECONDS = 24 * 3600
# How often each process reads the content version: a change shows everywhere within this time.
PAGE_CACHE_RECHECK_SECONDS = env.float("PAGE_CACHE_RECHECK_SECONDS", default=1.0)
# Pages each process also keeps in its own memory, so a hit costs no round trip to the cache.
PAGE_CACHE_LOCAL_ENTRIES = 200

# --- Passwords and login throttling -------------------------------------------------

# django-axes first: a locked-out login is refused before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed admin logins for one username (from anywhere), or from one address (for any
# username), lock that username or address out for half an hour; a superuser can lift it
# sooner (README "Security"). A successful login clears the username's count.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "esfomo.pages.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "esfomo.serving.addresses.client_ip"
# Lockouts are still logged; this only drops the banner axes prints at every start.
AXES_VERBOSE = False
# Proxies in front of the app that append to X-Forwarded-For: 1 for a PaaS router, 2 with a CDN
# in front of it. Without the right count every visitor shares the router's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------

LANGUAGE_CODE = "en-us"
# The database stores UTC; pages show each edition in its own zone (Edition.timezone).
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names: browsers and CDNs may keep them forever.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Media storage ----------------------------------------------------------------

# Photos, logos and their renditions go to an S3-compatible bucket when one is named, because a
# PaaS disk is wiped at every deploy; otherwise to MEDIA_ROOT, served by the app (esfomo/media.py).
# boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment itself.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
# How long browsers may keep an upload: a replaced photo gets a new name, so pages never show an old one.
MEDIA_CACHE_SECONDS = 7 * 24 * 3600
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Blank for Amazon S3; the provider's address otherwise (Cloudflare R2, Backblaze B2, MinIO…).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # A CDN or public bucket host for the URLs in pages, e.g. media.esfomo.org.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            # Blank when the bucket's policy makes objects public; "public-read" where ACLs are used.
            "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
            # Plain public URLs: cached pages must not carry signatures that expire.
            "querystring_auth": False,
            # A new upload never replaces another file of the same name.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": f"public, max-age={MEDIA_CACHE_SECONDS}"},
        },
    }

# Uploads larger than this are refused before Pillow sees them.
MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_UPLOAD_BYTES
# Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files: a larger body is
# answered 413 unread (esfomo.serving.security). Below it, a too-large image is refused in its form.
MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024

# --- Security ---------------------------------------------------------------------

# PaaS routers terminate TLS and say so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading commits the domain and all its subdomains to HTTPS in browsers for months; a host
# opts in deliberately (SECURE_HSTS_PRELOAD=true, then hstspreload.org), so Django's reminder
# (security.W021) is silenced below.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS += ["security.W021"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies never reach scripts (nothing here reads them) and are not sent on cross-site posts.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers: Content-Security-Policy and Permissions-Policy -------------

# Public pages load only this site's own stylesheet, scripts and images: no inline script or
# style, no plugins, no framing. `<script type="application/ld+json">` data blocks are not run
# by browsers, so the policy does not concern them. Media on another host (an S3 bucket or a
# CDN) is allowed by listing its origin in CSP_IMAGE_ORIGINS.
_SELF, _NONE = "'self'", "'none'"
_IMAGE_SOURCES = [_SELF, *env.list("CSP_IMAGE_ORIGINS", default=[])]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": _IMAGE_SOURCES,
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    },
}
# The admin's own policy, applied under /admin/ (esfomo.serving.security). Django 5.2's admin, its
# calendar and autocomplete included, runs without inline script or style (a browser test
# checks it), so it needs nothing looser today; an admin widget that does is allowed here only.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"]},
}
# Powerful browser features the site never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb",
    )
}  # fmt: skip

# --- Site -------------------------------------------------------------------------

# Canonical address, used in feeds and exports where no request is at hand.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}, "null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Bots probe every address with made-up host names: the 400 answer is enough, and an
        # ERROR with a traceback for each would drown the real errors.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}
