"""The product's URLs plus the bare view through the product's middleware, for `make bench` only.

Selected with ``ROOT_URLCONF=bench.urls``; production never serves ``/bench/``. The
yardstick itself, the bare view without middleware, is served by bench/wsgi.py.
"""

from django.urls import path

from bench.bare_urls import bare
from queue_booking.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/stack/", bare, name="bench-stack"), *product_urlpatterns]
