"""Django's ``CommonMiddleware``, with a missing trailing slash on a POST kept a POST.

With ``APPEND_SLASH`` Django answers an address that only exists with a slash by a 301
redirect. A client follows a 301 with a GET and drops the body, so
``POST /api/v1/bookings`` (no slash) used to end as a confusing 405 or 200 at the list,
and with DEBUG on Django raised a ``RuntimeError`` (its technical 500 page) to warn the
developer of exactly that loss. A 308 says the same thing and keeps the method and body
(RFC 9110, 15.4.9), so an API client or a form that left the slash off still books, once.
GET and HEAD keep Django's 301.
"""

from django.http import HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.http import escape_leading_slashes

SAFE = ("GET", "HEAD")


class PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    status_code = 308


class CommonMiddleware(DjangoCommonMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and request.method not in SAFE and self.should_redirect_with_slash(request):
            # Django's get_full_path_with_slash, without its DEBUG RuntimeError: the body
            # is not lost here.
            path = escape_leading_slashes(request.get_full_path(force_append_slash=True))
            return PermanentRedirectKeepingMethod(path)
        return super().process_response(request, response)
