"""English: "08:00", "15 Dec 2026", "15 Dec 2026, 08:00", a date field "15 Dec 2026"
(see ``queue_booking/formats``).

Day first, as the product writes English dates everywhere else ("Monday, 15 December 2026"),
and abbreviated as the Indonesian admin's "15 Des. 2026":
Django's own English formats are American, month first ("Dec. 15, 2026", "12/15/2026"),
which beside them read as 12 March to some officers and 3 December to others.
"""

# Django's own: "P" ("8 a.m.", "noon"), "N j, Y", "N j, Y, P", "m/d/Y", "m/d/Y P".
TIME_FORMAT = "H:i"
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"

# The first one is how a time field shows its value (Django's own "%H:%M:%S" showed
# "07:30:00"); the rest are what is understood when typed.
TIME_INPUT_FORMATS = [
    "%H:%M",  # '14:30', '7:30'
    "%H.%M",  # '14.30'
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H.%M.%S",  # '14.30.59'
]

# The first one is how a date field shows its value: "17 Dec 2026", day first as the
# product writes English dates ("Monday, 17 December 2026"), where Django's own showed
# "2026-12-17". The admin's calendar writes a picked date the same way (its month names
# are the same abbreviations) and reads it back (static/js/admin/date_names.js). ISO is
# still understood; day and month in numbers are not, since "05/06/2026" is 6 May to
# some readers and 5 June to others (Django's own read it as May).
DATE_INPUT_FORMATS = [
    "%d %b %Y",  # '17 Dec 2026'
    "%d %B %Y",  # '17 December 2026'
    "%Y-%m-%d",  # '2026-12-17'
    "%b %d %Y",  # 'Dec 17 2026'
    "%b %d, %Y",  # 'Dec 17, 2026'
    "%B %d %Y",  # 'December 17 2026'
    "%B %d, %Y",  # 'December 17, 2026'
]
