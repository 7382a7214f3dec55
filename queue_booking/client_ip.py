"""The client's address, as the rate limits count it (``RATELIMIT_IP_META_KEY``).

Production runs behind a TLS-terminating proxy, so every request reaches the web
process from the proxy's address: counted by ``REMOTE_ADDR``, "30 bookings a minute
per address" would be one limit shared by the whole country. Each proxy appends the
address it saw to ``X-Forwarded-For``. A client can write anything to the left of
those entries, never the entries the proxies add, so with ``TRUSTED_PROXY_COUNT`` = n
the client is the n-th entry from the right. Without proxies (n = 0) the header is
ignored: anyone could send it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return peer
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return peer
