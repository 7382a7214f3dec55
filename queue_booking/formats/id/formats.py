"""Indonesian: "08.00", "15 Des. 2026, 08.00" (see ``queue_booking/formats``)."""

# Django's own: "G.i" ("8.00"), "j N Y, G.i", "d-m-Y G.i".
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j N Y, H.i"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"

# The first one is how a time field shows its value (Django's own "%H.%M.%S" showed
# "07.30.00"); the rest are what is understood when typed.
TIME_INPUT_FORMATS = [
    "%H.%M",  # '14.30', '7.30'
    "%H:%M",  # '14:30'
    "%H.%M.%S",  # '14.30.59'
    "%H:%M:%S",  # '14:30:59'
]
