"""Django's messages, with their storage built only for a request that uses it.

``django.contrib.messages``' middleware builds the storage on every request. The default
storage, a cookie with the session behind it, makes a cookie signer each time: about
0.09 ms, 60 % of what Django's own middleware costs a request here (`make bench`,
``bench/profile.py stack``). Most requests never touch messages: every API call, each
poll of the queue display, every availability read during a launch-day flood. Here the
storage is built on first use (``messages.success``, a template listing the messages),
and a request that never built it has nothing to store: a message waiting in the cookie
stays there for the page that shows it, exactly as with Django's middleware.
"""

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
