"""Which address a request comes from, when the site runs behind a PaaS router (and perhaps a CDN)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the visitor's address: the one the trusted proxies saw, else the connection's peer.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    trusted proxies the visitor is the N-th address from the right; anything further left was
    written by the visitor and proves nothing. Login throttling counts failures by this address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    candidates = [forwarded[-count]] if count and len(forwarded) >= count else []
    for candidate in [*candidates, request.META.get("REMOTE_ADDR", "")]:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
