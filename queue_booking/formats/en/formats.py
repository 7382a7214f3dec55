"""English: "08:00", "Dec. 15, 2026, 08:00" (see ``queue_booking/formats``)."""

# Django's own: "P" ("8 a.m.", "noon"), "N j, Y, P", "m/d/Y P".
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"

# The first one is how a time field shows its value (Django's own "%H:%M:%S" showed
# "07:30:00"); the rest are what is understood when typed.
TIME_INPUT_FORMATS = [
    "%H:%M",  # '14:30', '7:30'
    "%H.%M",  # '14.30'
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H.%M.%S",  # '14.30.59'
]
