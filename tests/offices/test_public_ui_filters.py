"""Times from the queue's JSON, written as every other time on the site."""

from django.utils import translation

from offices.templatetags.public_ui import iso_clock


def test_an_iso_moment_reads_as_the_office_s_clock_in_each_language():
    moment = "2026-12-07T14:16:09+07:00"
    with translation.override("id"):
        assert iso_clock(moment) == "14.16"
    with translation.override("en"):
        assert iso_clock(moment) == "14:16"


def test_an_iso_moment_keeps_its_own_offset():
    # Makassar's 09:05 stays 09:05, whatever the server's zone.
    with translation.override("id"):
        assert iso_clock("2026-12-07T09:05:00+08:00") == "09.05"


def test_no_moment_reads_as_nothing():
    assert iso_clock("") == ""
    assert iso_clock(None) == ""
