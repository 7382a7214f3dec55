"""API routes of the applicants app (under ``/api/v1/``)."""

from django.urls import include, path

urlpatterns: list = [path("", include("applicants.api.booking_urls"))]

# Day of service: staff check-in, counters, walk-ins, and the public queue reads.
urlpatterns += [path("", include("applicants.api.staff_urls"))]
