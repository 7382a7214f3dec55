"""The bare Django JSON view's only URL, resolved by bench/wsgi.py's middleware-free handler."""

from django.http import JsonResponse
from django.urls import path


def bare(request):
    """The cheapest Django JSON answer: the yardstick every target is a share of."""
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/bare/", bare, name="bench-bare")]
