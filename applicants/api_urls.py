"""API routes of the applicants app (under ``/api/v1/``)."""

from django.urls import include, path

urlpatterns: list = [path("", include("applicants.api.booking_urls"))]
