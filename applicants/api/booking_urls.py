"""Routes of the public booking API (included by ``applicants.api_urls``)."""

from django.urls import path

from applicants.api import booking_create, bookings

urlpatterns = [
    path("bookings/", booking_create.booking_create_view, name="booking-create"),
    path("bookings/lookup/", bookings.BookingLookupView.as_view(), name="booking-lookup"),
    path("bookings/<str:code>/", bookings.BookingDetailView.as_view(), name="booking-detail"),
    path("bookings/<str:code>/cancel/", bookings.BookingCancelView.as_view(), name="booking-cancel"),
    path("bookings/<str:code>/reschedule/", bookings.BookingRescheduleView.as_view(), name="booking-reschedule"),
    path("bookings/<str:code>/token/", bookings.BookingTokenView.as_view(), name="booking-token"),
    path("bookings/<str:code>/contact/", bookings.BookingContactView.as_view(), name="booking-contact"),
]
