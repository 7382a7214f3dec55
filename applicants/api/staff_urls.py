"""Routes of the staff API and the public queue reads (included by ``applicants.api_urls``)."""

from django.urls import path

from applicants.api import queue, staff

urlpatterns = [
    path("staff/checkins/", staff.CheckinView.as_view(), name="staff-checkin"),
    path("staff/offices/<slug:code>/counters/", staff.CountersView.as_view(), name="staff-counters"),
    path("staff/offices/<slug:code>/call-next/", staff.CallNextView.as_view(), name="staff-call-next"),
    path("staff/offices/<slug:code>/walk-ins/", staff.WalkinView.as_view(), name="staff-walkin"),
    path("staff/bookings/<str:code>/served/", staff.BookingServedView.as_view(), name="staff-served"),
    path("staff/bookings/<str:code>/missed/", staff.BookingMissedView.as_view(), name="staff-missed"),
    path("staff/bookings/<str:code>/recall/", staff.BookingRecallView.as_view(), name="staff-recall"),
    path("offices/<slug:code>/queue/", queue.PublicQueueView.as_view(), name="office-queue"),
    path("bookings/<str:code>/position/", queue.BookingPositionView.as_view(), name="booking-position"),
]
