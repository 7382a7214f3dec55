"""The product's URLs plus the bare baseline view, for `make bench` only.

Selected with ``ROOT_URLCONF=bench.urls``; production never serves ``/bench/``.
"""

from django.http import JsonResponse
from django.urls import path

from queue_booking.urls import urlpatterns as product_urlpatterns


def bare(request):
    """The cheapest Django JSON answer through the full middleware stack: the yardstick."""
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *product_urlpatterns]
