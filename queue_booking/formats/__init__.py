"""The product's own date and time formats (``FORMAT_MODULE_PATH``), over Django's.

Django looks a format up here first and falls back to its own locale's module for
every name not set here, so each module sets only what the product writes differently:
a time of day is "08.00" in Indonesian and "08:00" in English, two digits for the hour
and never seconds (Django's are "8.00" and "8 a.m."), in the admin's lists and forms as
in ``offices.formats.clock`` and on every other page. Typing a time is forgiving in
both languages: "07.30", "07:30" and "7.30" all mean half past seven.

A date field (the admin's) shows "17-12-2026" in Indonesian and "17 Dec 2026" in
English, and takes back what it shows, and ISO 8601 ("2026-12-17") in both. The API
keeps ISO 8601 in and out whatever the language: DRF's own date settings, not these.
"""
