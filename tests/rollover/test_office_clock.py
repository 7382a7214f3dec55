"""Jobs follow each office's own clock: midnight, closing time and the reminder hour come
three times a day across Indonesia (WIT, then WITA, then WIB)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from applicants.models import Booking, BookingStatus, Notification
from applicants.services.dayend import day_end, reminders_send, reserves_release
from applicants.tasks.allocation import allocate_waiting
from applicants.tasks.scheduled import end_of_day, end_of_day_sweep
from offices.models import Office, Slot
from offices.tasks import release_dates
from tests.factories import OfficeFactory, SessionTemplateFactory
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots, make_waiting

pytestmark = pytest.mark.django_db

ZONES = {"jayapura": "Asia/Jayapura", "makassar": "Asia/Makassar", "surabaya": "Asia/Jakarta"}
# 31 December 2026 (Thursday) at midnight, office time, in UTC.
MIDNIGHT_UTC = {
    "jayapura": dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.UTC),
    "makassar": dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC),
    "surabaya": dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC),
}
DEC_31, JAN_1 = dt.date(2026, 12, 31), dt.date(2027, 1, 1)


@pytest.fixture
def offices():
    result = {}
    for code, zone in ZONES.items():
        office = OfficeFactory(code=code, timezone=zone, booking_window_days=3, first_day_offset=1)
        for weekday in range(7):
            SessionTemplateFactory(
                office=office, weekday=weekday, capacity_regular=2, capacity_express=0, capacity_priority=0
            )
        result[code] = office
    return result


def run(task, *args, **kwargs):
    """Run a task body in this process at the frozen time."""
    return task.run(*args, **kwargs)


def test_each_office_opens_and_closes_dates_at_its_own_midnight(offices, published, commit):
    start = MIDNIGHT_UTC["jayapura"] - dt.timedelta(seconds=1)  # 23:59:59 WIT, 22:59:59 WITA, 21:59:59 WIB
    with time_machine.travel(start, tick=False):
        run(release_dates)
    # Every office is on 31 December: window 1-3 January, rows to 4 January.
    released = {o.code: o.released_through for o in Office.objects.filter(id__in=[o.id for o in offices.values()])}
    assert released == dict.fromkeys(offices, dt.date(2027, 1, 3))
    far = {c: make_waiting(o, 1, requested_date=dt.date(2027, 1, 4), since=start)[0] for c, o in offices.items()}
    near = {c: make_waiting(o, 1, requested_date=JAN_1, since=start)[0] for c, o in offices.items()}
    for office in offices.values():
        with time_machine.travel(start, tick=False):
            run(allocate_waiting, office_id=office.id)
    # 4 January is not released anywhere yet; 1 January is tomorrow everywhere.
    assert {c: Booking.objects.get(id=b.id).status for c, b in far.items()} == dict.fromkeys(offices, "waiting")
    assert {c: Booking.objects.get(id=b.id).date for c, b in near.items()} == dict.fromkeys(offices, JAN_1)

    opened: list[str] = []
    for code in ("jayapura", "makassar", "surabaya"):
        published.clear()
        with time_machine.travel(MIDNIGHT_UTC[code], tick=False):
            with commit():
                run(release_dates)
            # The release announced new room at exactly the office whose midnight it is.
            allocations = [k["office_id"] for name, k in published if name == "applicants.tasks.allocate_waiting"]
            assert allocations == [offices[code].id]
            run(allocate_waiting, office_id=offices[code].id)
        opened.append(code)
        placed = {c: Booking.objects.get(id=b.id).date for c, b in far.items()}
        assert placed == {c: (dt.date(2027, 1, 4) if c in opened else None) for c in offices}

    # After its midnight, 1 January is "today" at an office: no longer given to a request.
    late = {c: make_waiting(o, 1, requested_date=JAN_1, since=MIDNIGHT_UTC["surabaya"])[0] for c, o in offices.items()}
    with time_machine.travel(MIDNIGHT_UTC["surabaya"], tick=False):
        for office in offices.values():
            run(allocate_waiting, office_id=office.id)
    assert {c: Booking.objects.get(id=b.id).date for c, b in late.items()} == dict.fromkeys(
        offices, dt.date(2027, 1, 2)
    )


def test_no_shows_are_marked_after_closing_time_on_each_office_clock(offices, published, commit):
    bookings = {}
    for code, office in offices.items():
        [slot] = make_slots(office, [DEC_31], capacity=5, sessions=SESSIONS[:1])
        confirmed, checked_in = make_confirmed(slot, 2, at=MIDNIGHT_UTC["jayapura"] - dt.timedelta(days=5))
        Booking.objects.filter(id=checked_in.id).update(status=BookingStatus.CHECKED_IN)
        bookings[code] = (confirmed, checked_in)

    # 16:00 (closing time) in Jayapura is 15:00 in Makassar and 14:00 in Surabaya.
    steps = [
        (dt.datetime(2026, 12, 31, 6, 59, tzinfo=dt.UTC), []),
        (dt.datetime(2026, 12, 31, 7, 0, tzinfo=dt.UTC), ["jayapura"]),
        (dt.datetime(2026, 12, 31, 8, 0, tzinfo=dt.UTC), ["jayapura", "makassar"]),
        (dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC), ["jayapura", "makassar", "surabaya"]),
    ]
    for moment, ended in steps:
        published.clear()
        with time_machine.travel(moment, tick=False), commit():
            run(end_of_day_sweep)
        # The sweep fans out one task per office whose day has just ended.
        due = [(k["office_id"], k["date"]) for name, k in published if name == "applicants.tasks.end_of_day"]
        assert due == [(offices[c].id, DEC_31.isoformat()) for c in ended[-1:]]
        for office_id, date in due:
            with time_machine.travel(moment, tick=False):
                run(end_of_day, office_id=office_id, date=date)
        statuses = {c: Booking.objects.get(id=b[0].id).status for c, b in bookings.items()}
        assert statuses == {c: ("no_show" if c in ended else "confirmed") for c in offices}
        assert all(Booking.objects.get(id=b[1].id).status == "checked_in" for b in bookings.values())
    # Closing a day again changes nothing.
    assert day_end(office_id=offices["jayapura"].id, date=DEC_31, now=steps[-1][0]).no_show == []


def test_a_reminder_goes_out_once_the_day_before_from_the_local_hour(offices, published, settings):
    settings.REMINDER_LOCAL_HOUR = 8
    slots = {c: make_slots(o, [JAN_1], capacity=5, sessions=SESSIONS[:1])[0] for c, o in offices.items()}
    booked = {c: make_confirmed(slot, 1, at=dt.datetime(2026, 12, 20, tzinfo=dt.UTC))[0] for c, slot in slots.items()}
    eight_wit = dt.datetime(2026, 12, 30, 23, 0, tzinfo=dt.UTC)  # 31 Dec 08:00 WIT, 07:00 WITA, 06:00 WIB

    assert reminders_send(now=eight_wit - dt.timedelta(seconds=1)) == []
    assert reminders_send(now=eight_wit) == [booked["jayapura"].id]
    assert reminders_send(now=eight_wit) == []
    assert reminders_send(now=eight_wit + dt.timedelta(hours=2)) == [booked["makassar"].id, booked["surabaya"].id]
    assert reminders_send(now=eight_wit + dt.timedelta(hours=5)) == []

    reminders = Notification.objects.filter(kind=Notification.Kind.REMINDER)
    assert sorted(reminders.values_list("booking_id", flat=True)) == sorted(b.id for b in booked.values())


def test_the_reminder_email_carries_the_proof_link_and_arrives_once(offices, deliver, commit):
    office = offices["jayapura"]
    [slot] = make_slots(office, [JAN_1], capacity=5, sessions=SESSIONS[:1])
    [booking] = make_confirmed(slot, 1, at=dt.datetime(2026, 12, 20, tzinfo=dt.UTC))
    moment = dt.datetime(2026, 12, 31, 1, 0, tzinfo=dt.UTC)  # 10:00 WIT

    for _ in range(2):
        with commit():
            reminders_send(now=moment, office_id=office.id)
    deliver()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [booking.applicant.email]
    assert f"/b/{booking.code}/{booking.token}/" in mail.outbox[0].body


def test_places_held_back_are_released_the_day_before_on_the_office_clock(offices, published):
    jayapura, surabaya = offices["jayapura"], offices["surabaya"]
    for office in (jayapura, surabaya):
        make_slots(office, [JAN_1, dt.date(2027, 1, 2)], capacity=10, reserved=2, sessions=SESSIONS[:1])
    moment = MIDNIGHT_UTC["jayapura"] - dt.timedelta(hours=1)  # 31 Dec everywhere

    assert reserves_release(office_id=jayapura.id, now=moment) == 1
    assert reserves_release(office_id=jayapura.id, now=moment) == 0
    assert reserves_release(office_id=surabaya.id, now=moment) == 1
    # At 00:00 WIT, 2 January is tomorrow in Jayapura but not yet in Surabaya.
    assert reserves_release(office_id=jayapura.id, now=MIDNIGHT_UTC["jayapura"]) == 1
    assert reserves_release(office_id=surabaya.id, now=MIDNIGHT_UTC["jayapura"]) == 0
    reserved = dict(Slot.objects.filter(date=dt.date(2027, 1, 2)).values_list("office__code", "reserved"))
    assert reserved == {"jayapura": 0, "surabaya": 2}


def test_new_rows_hold_back_the_configured_share_for_rollover(offices, settings):
    settings.ROLLOVER_RESERVE_PERCENT = 50
    with time_machine.travel(MIDNIGHT_UTC["surabaya"] - dt.timedelta(hours=3), tick=False):
        run(release_dates)
    assert set(Slot.objects.filter(office=offices["surabaya"]).values_list("capacity", "reserved")) == {(2, 1)}
