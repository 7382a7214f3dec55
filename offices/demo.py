"""Demo settings and accounts shared by `load_demo` and the `make run` banner."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

DEMO_PASSWORD = "antrean-demo-2026"  # noqa: S105 - demo data, printed on purpose

# Offices that get an officer ("petugas.<code>") and a supervisor ("supervisor.<code>").
DEMO_OFFICES = ("surabaya", "jakarta-selatan", "batam", "denpasar", "makassar", "jayapura", "kotabumi")

# Share of the daily quota per track (regular, express, priority), in percent.
TRACK_SHARES = (75, 15, 10)
# Offices whose per-track quota is known (DESIGN section 1), instead of the shares.
TRACK_QUOTAS = {"batam": (200, 35, 50)}

# (weekday 0 = Monday, "HH:MM" local, days per block): the rest release daily.
BATCH_RELEASES = {
    "batam": (4, "14:00", 7),
    "jakarta-pusat": (4, "15:00", 7),
    "medan": (0, "10:00", 7),
}
# Service units the source lists as only planned (offices/data/README.md): shown, but
# not bookable online until someone confirms they are open.
ONLINE_BOOKING_OFF = ("ulp-tapaktuan", "ulp-musi-banyuasin", "ulp-nabire", "ulp-wamena")

CENTRAL_ADMIN_USERNAME = "pusat"


def officer_username(code: str) -> str:
    return f"petugas.{code}"


def supervisor_username(code: str) -> str:
    return f"supervisor.{code}"


DEMO_LOGINS = [
    {"username": "admin", "password": DEMO_PASSWORD, "role": "central admin (superuser)"},
    {"username": CENTRAL_ADMIN_USERNAME, "password": DEMO_PASSWORD, "role": "central admin (group)"},
    *(
        login
        for code in DEMO_OFFICES
        for login in (
            {"username": supervisor_username(code), "password": DEMO_PASSWORD, "role": f"supervisor, {code}"},
            {"username": officer_username(code), "password": DEMO_PASSWORD, "role": f"officer, {code}"},
        )
    ),
]


@contextmanager
def queries_unrecorded() -> Iterator[None]:
    """Run without DEBUG's record of every query (nested: the outermost one decides).

    The demo loads with DEBUG on, and then Django keeps each statement's SQL with its
    parameters filled in (on SQLite one more query per statement to quote them): about a
    tenth of the load's time, for a record of a hundred thousand statements nobody reads.
    Plain cursors are what the same code gets with DEBUG off.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if "make_debug_cursor" in vars(db):
        yield
        return
    db.make_debug_cursor = db.make_cursor
    try:
        yield
    finally:
        del db.make_debug_cursor
