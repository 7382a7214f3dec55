"""The desk's choices in the glossary's words: a session's free places are "sisa N tempat"
(as on the applicant's calendar), and a counter that calls every track puts priority first
as "prioritas didahulukan" (not the colloquial "lebih dulu")."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_walk_in_sessions_say_the_places_left(officer_client, office, slots, morning):
    html = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").text

    options = re.findall(r"<option value=\"\d+\"[^>]*>(.*?)</option>", html)
    assert options and all(re.search(r" · sisa \d+ tempat$", option) for option in options)
    assert " kosong</option>" not in html


def test_a_counter_for_every_track_puts_priority_first_in_plain_words(officer_client, office, desk, morning):
    html = officer_client.get(reverse("staff:counter", args=[office.code, desk.id]), HTTP_ACCEPT_LANGUAGE="id").text

    assert "Semua jalur, prioritas didahulukan" in html
    assert "lebih dulu" not in html
