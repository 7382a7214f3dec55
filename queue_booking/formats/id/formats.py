"""Indonesian: "08.00", "15 Des. 2026, 08.00", a date field "15-12-2026" (see ``queue_booking/formats``)."""

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

# The first one is how a date field shows its value: "17-12-2026", day first in numbers,
# as dates are typed in Indonesia (Django's own, kept: month names would not be read
# back, as Python reads only English ones). ISO is still understood, and so is a slash.
DATE_INPUT_FORMATS = [
    "%d-%m-%Y",  # '17-12-2026'
    "%d/%m/%Y",  # '17/12/2026'
    "%Y-%m-%d",  # '2026-12-17'
    "%d-%m-%y",  # '17-12-26'
    "%d/%m/%y",  # '17/12/26'
]
