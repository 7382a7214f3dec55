"""An address that only exists with a trailing slash, asked for without it.

A GET keeps Django's 301. A POST is redirected with 308, which keeps its method and body:
a client that follows it books once, where a 301 made it GET the list (and with DEBUG on
Django raised its technical error page)."""

import json

import pytest
from django.test import Client

from applicants.models import Booking
from tests.applicants.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_post_without_the_slash_is_redirected_keeping_its_body(settings, slot, debug):
    settings.DEBUG = debug
    client = Client()

    response = client.post("/api/v1/bookings?lang=en", json.dumps(payload(slot)), content_type="application/json")

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/bookings/?lang=en"
    assert not Booking.objects.exists()


def test_following_the_redirect_books_once(slot):
    response = Client().post(
        "/api/v1/bookings", json.dumps(payload(slot)), content_type="application/json", follow=True
    )

    assert response.redirect_chain == [("/api/v1/bookings/", 308)]
    assert response.status_code == 201, response.json()
    assert Booking.objects.get().code == response.json()["code"]


def test_a_read_without_the_slash_keeps_the_301(office):
    response = Client().get(f"/api/v1/offices/{office.code}")

    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/offices/{office.code}/"


def test_an_address_that_exists_with_no_slash_either_is_a_404(slot):
    response = Client().post("/api/v1/nothing-here", "{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
