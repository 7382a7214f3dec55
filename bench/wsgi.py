"""gunicorn's entry point for `make bench`: the product's WSGI application, and beside
it the yardstick every target is a share of, a bare Django JSON view.

The issue's yardstick is "a bare Django JSON view under gunicorn": Django's request and
response, URL resolution and a ``JsonResponse``, and nothing of the product. The
product's handler runs every request through its ten middleware (sessions, language,
CSRF, messages, security headers...), so the bare view is served here by a second
Django handler that has none. The product's own requests go to the product's handler
unchanged; this dispatch costs them one comparison. ``/bench/stack/`` (bench/urls.py)
is the same view through the product's middleware: what any request of this app costs
at least, reported beside the targets.
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

from queue_booking.wsgi import application as product_application

BARE_PATH = "/bench/bare/"


class BareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware list, resolving bench/bare_urls.py."""

    def load_middleware(self, is_async=False):
        # What BaseHandler.load_middleware builds for MIDDLEWARE = [].
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request):
        request.urlconf = "bench.bare_urls"
        return super().get_response(request)


bare_application = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == BARE_PATH:
        return bare_application(environ, start_response)
    return product_application(environ, start_response)
