"""What a page may do in the browser: ``Content-Security-Policy`` and ``Permissions-Policy``.

The pages show names, masked NIKs and a booking's secret link, and run only the
product's own scripts from ``static/`` (no inline script, no third party): the policy
says exactly that, so an injected script would not run and nothing could be sent
elsewhere. Inline ``style`` attributes stay allowed (the staff charts' bar widths).
The camera (check-in scanner) and location ("near me") are for this site only.

Only for HTML. The admin and the API's documentation pages are Django's and
drf-spectacular's, which carry inline scripts of their own; they keep the other
headers (``X-Frame-Options: DENY`` among them).
"""

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"
_OWN_PAGES_ONLY = ("/admin/", "/api/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
            if not request.path_info.startswith(_OWN_PAGES_ONLY):
                response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
