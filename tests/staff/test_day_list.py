"""The list of the day (daftar hadir): printed each morning, it lets the office go on
on paper when the system cannot be reached (applicants/day_list.py)."""

import csv
import datetime as dt
import io

import pytest

from applicants.models import Booking, BookingStatus
from offices.models import Track
from tests.staff.conftest import DAY, at, make_booking, make_slots

pytestmark = pytest.mark.django_db


def url(office, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/staff/{office.code}/list/" + (f"?{query}" if query else "")


@pytest.fixture
def day(slots, other_slots):
    early, late = dt.time(8, 0), dt.time(10, 0)
    return {
        "zaenal": make_booking(slots[(early, Track.REGULAR)], name="Zaenal Arifin"),
        "ani": make_booking(slots[(early, Track.REGULAR)], name="ani Suryani"),
        "priority": make_booking(slots[(early, Track.PRIORITY)], name="Yohana Lansia"),
        "checked": make_booking(
            slots[(late, Track.REGULAR)], name="Budi Santoso", status=BookingStatus.CHECKED_IN, queue_number="A-007"
        ),
        "cancelled": make_booking(slots[(early, Track.REGULAR)], name="Batal Saja", status=BookingStatus.CANCELLED),
        "moved": make_booking(slots[(late, Track.REGULAR)], name="Pindah Hari", status=BookingStatus.ROLLED_OVER),
        "elsewhere": make_booking(other_slots[(early, Track.REGULAR)], name="Di Makassar"),
    }


def names_in(html: str, bookings: dict) -> list[str]:
    """The listed people, in the page's order."""
    found = [(html.find(b.applicant.full_name), key) for key, b in bookings.items() if b.applicant.full_name in html]
    return [key for _position, key in sorted(found)]


def test_an_officer_sees_everyone_with_a_place_per_session_priority_first_then_by_name(
    officer_client, office, day, morning
):
    response = officer_client.get(url(office))

    assert response.status_code == 200
    html = response.content.decode()
    assert names_in(html, day) == ["priority", "ani", "zaenal", "checked"]
    assert "08.00–10.00 WIB" in html and "10.00–12.00 WIB" in html
    assert day["zaenal"].code in html
    assert "A-007" in html
    assert "4 orang dijadwalkan hadir." in html
    assert day["zaenal"].applicant.nik_masked in html
    assert "Daftar hadir" in html


def test_it_is_in_the_staff_menu_for_officers(officer_client, office, morning):
    html = officer_client.get(f"/staff/{office.code}/checkin/").content.decode()

    assert f'href="/staff/{office.code}/list/"' in html


def test_another_day_can_be_listed_ahead(officer_client, office, day, morning):
    tomorrow = DAY + dt.timedelta(days=1)
    make_booking(make_slots(office, day=tomorrow)[(dt.time(8, 0), Track.REGULAR)], name="Besok Datang")

    html = officer_client.get(url(office, date=tomorrow.isoformat())).content.decode()

    assert "Besok Datang" in html
    assert "Zaenal Arifin" not in html
    assert "1 orang dijadwalkan hadir." in html


@pytest.mark.parametrize("date", ["2026-13-40", "2025-01-01", "2027-06-01"])
def test_a_bad_or_far_date_is_a_translated_error_and_shows_today(officer_client, office, day, morning, date):
    response = officer_client.get(url(office, date=date))

    assert response.status_code == 400
    html = response.content.decode()
    assert "field-error" in html
    assert "Zaenal Arifin" in html  # today's list, not nothing


def test_the_csv_has_every_listed_person_and_no_full_nik(officer_client, office, day, morning):
    response = officer_client.get(url(office, date=DAY.isoformat(), format="csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="surabaya-{DAY.isoformat()}.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Sesi", "Kode pendaftaran", "Nama", "NIK", "Jalur", "Layanan", "Status", "Nomor antrean"]
    assert [row[2] for row in rows[1:]] == ["Yohana Lansia", "ani Suryani", "Zaenal Arifin", "Budi Santoso"]
    assert rows[4][0] == "10:00-12:00" and rows[4][7] == "A-007"
    assert all("*" in row[3] for row in rows[1:])


def test_a_name_that_looks_like_a_formula_is_not_one_in_a_spreadsheet(officer_client, office, slots, morning):
    make_booking(slots[(dt.time(8, 0), Track.REGULAR)], name="=HYPERLINK(1)")

    text = officer_client.get(url(office, format="csv")).content.decode("utf-8")

    assert "'=HYPERLINK(1)" in text


def test_staff_of_another_office_may_not_see_it(other_officer_client, office, day, morning):
    assert other_officer_client.get(url(office)).status_code == 403
    assert other_officer_client.get(url(office, format="csv")).status_code == 403


def test_it_reads_in_one_query_whatever_the_number_of_people(
    officer_client, office, slots, morning, django_assert_max_num_queries
):
    for n in range(30):
        make_booking(slots[(dt.time(8, 0), Track.REGULAR)], name=f"Orang {n}")

    # Session and user, the membership check, the office, the list itself, and the one
    # row recording who saw it (``PersonalDataAccess``).
    with django_assert_max_num_queries(9):
        response = officer_client.get(url(office))

    assert response.content.decode().count('class="tick-box"') == 30


def test_in_english_it_speaks_english(officer_client, office, day, morning):
    html = officer_client.get(url(office), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "4 people expected." in html
    assert "Day list, Monday, 23 November 2026" in html


# --- After a day on paper: the supervisor records who was served ---------------------


def record(client, office, *bookings):
    return client.post(url(office), {"served": [b.id for b in bookings]})


def test_a_supervisor_records_people_served_on_paper_through_the_life_cycle(
    supervisor_client, supervisor, office, day, morning
):
    morning.move_to(at(10, 30), tick=False)  # both sessions have begun

    response = record(supervisor_client, office, day["zaenal"], day["checked"])

    assert response.status_code == 302
    for key in ("zaenal", "checked"):
        booking = day[key]
        booking.refresh_from_db()
        assert booking.status == BookingStatus.SERVED
        steps = list(booking.transitions.order_by("id").values_list("to_status", "reason", "actor"))
        assert steps[-1] == (BookingStatus.SERVED, "served_on_paper", supervisor.id)
        assert booking.served_at is None  # no time is made up
    assert [
        s for s, _r, _a in day["zaenal"].transitions.order_by("id").values_list("to_status", "reason", "actor")
    ] == [
        "checked_in",
        "called",
        "served",
    ]
    day["ani"].refresh_from_db()
    assert day["ani"].status == BookingStatus.CONFIRMED
    page = supervisor_client.get(url(office)).content.decode()
    assert "2 orang dicatat telah dilayani secara manual." in page


def test_ticking_nobody_is_a_translated_error_and_changes_nothing(supervisor_client, office, day, morning):
    response = supervisor_client.post(url(office), {})

    assert response.status_code == 400
    assert "Centang minimal satu orang" in response.content.decode()
    assert not Booking.objects.filter(status=BookingStatus.SERVED).exists()


def test_a_booking_that_is_not_on_todays_list_is_refused_and_nothing_changes(supervisor_client, office, day, morning):
    response = record(supervisor_client, office, day["zaenal"], day["cancelled"])

    assert response.status_code == 400
    day["zaenal"].refresh_from_db()
    assert day["zaenal"].status == BookingStatus.CONFIRMED


def test_only_a_supervisor_records_and_only_on_todays_list(officer_client, office, day, morning):
    assert record(officer_client, office, day["zaenal"]).status_code == 403
    day["zaenal"].refresh_from_db()
    assert day["zaenal"].status == BookingStatus.CONFIRMED
    assert 'name="served"' not in officer_client.get(url(office)).content.decode()


def test_the_supervisor_sees_a_box_per_person_not_yet_served_whose_session_has_begun(
    supervisor_client, office, day, morning
):
    html = supervisor_client.get(url(office)).content.decode()  # 08:30: only the 08:00 session

    assert html.count('name="served"') == 3
    assert f'value="{day["checked"].id}"' not in html
    assert "Pada jam tutup (16.00 WIB)" in html and "sampai 30 November 2026" in html
    morning.move_to(at(10, 30), tick=False)
    assert supervisor_client.get(url(office)).content.decode().count('name="served"') == 4


def test_a_session_that_has_not_begun_cannot_be_recorded(supervisor_client, office, day, morning):
    response = record(supervisor_client, office, day["checked"])  # 10:00 session, at 08:30

    assert response.status_code == 400
    day["checked"].refresh_from_db()
    assert day["checked"].status == BookingStatus.CHECKED_IN
    tomorrow = supervisor_client.get(url(office, date=(DAY + dt.timedelta(days=1)).isoformat())).content.decode()
    assert 'name="served"' not in tomorrow


def test_a_booking_changed_meanwhile_is_skipped_and_counted(office, day, supervisor, morning):
    from django.utils import timezone

    from applicants.services.paper import paper_served_record

    ids = [day["zaenal"].id, day["cancelled"].id, day["elsewhere"].id]
    result = paper_served_record(office=office, date=DAY, booking_ids=ids, now=timezone.now(), actor=supervisor)

    assert (result.recorded, result.skipped) == (1, 2)
    day["cancelled"].refresh_from_db()
    day["elsewhere"].refresh_from_db()
    assert (day["cancelled"].status, day["elsewhere"].status) == ("cancelled", "confirmed")


def test_the_today_page_counts_people_served_on_paper_as_having_come(supervisor_client, office, day, morning):
    record(supervisor_client, office, day["zaenal"])

    page = supervisor_client.get(f"/staff/{office.code}/today/").content.decode()

    # checked in: Budi and Zaenal (on paper); served: Zaenal
    assert '<span class="stat-value">2</span><span class="stat-label">sudah check-in</span>' in page
    assert '<span class="stat-value">1</span><span class="stat-label">selesai dilayani</span>' in page


# --- When the system is back only after the day has ended -------------------------------


def end_the_day(office, moment):
    from applicants.services.dayend import day_end

    return day_end(office_id=office.id, date=DAY, now=moment)


def record_on(client, office, date, *bookings):
    return client.post(url(office), {"date": date.isoformat(), "served": [b.id for b in bookings]})


def test_after_the_day_ended_a_supervisor_corrects_no_shows_to_served_on_paper(
    supervisor_client, supervisor, office, day, morning
):
    evening = at(17, 0)
    assert sorted(end_the_day(office, evening).no_show) == sorted(
        b.id for b in (day["zaenal"], day["ani"], day["priority"])
    )
    morning.move_to(evening, tick=False)

    html = supervisor_client.get(url(office)).content.decode()
    assert "Hari layanan ini sudah berakhir" in html
    assert html.count('name="served"') == 4  # the three no-shows and Budi, still checked in
    response = record(supervisor_client, office, day["zaenal"], day["checked"])

    assert response.status_code == 302
    assert response["Location"] == url(office, date=DAY.isoformat())
    day["zaenal"].refresh_from_db()
    assert day["zaenal"].status == BookingStatus.SERVED
    correction = (
        day["zaenal"].transitions.order_by("id").values_list("from_status", "to_status", "reason", "actor", "detail")
    )
    assert list(correction)[-1] == (
        "no_show",
        "served",
        "served_on_paper",
        supervisor.id,
        {"on_paper": True, "date": DAY.isoformat(), "corrects": "no_show"},
    )
    day["checked"].refresh_from_db()
    assert day["checked"].status == BookingStatus.SERVED
    for untouched in ("ani", "priority"):
        day[untouched].refresh_from_db()
        assert day[untouched].status == BookingStatus.NO_SHOW


def test_the_next_days_a_supervisor_records_the_day_on_paper_from_its_list(supervisor_client, office, day, morning):
    end_the_day(office, at(17, 0))
    morning.move_to(at(9, 0, day=DAY + dt.timedelta(days=2)), tick=False)
    html = supervisor_client.get(url(office, date=DAY.isoformat())).content.decode()
    assert 'name="date" value="2026-11-23"' in html and html.count('name="served"') == 4

    response = record_on(supervisor_client, office, DAY, day["ani"], day["priority"])

    assert response.status_code == 302
    for key in ("ani", "priority"):
        day[key].refresh_from_db()
        assert day[key].status == BookingStatus.SERVED
    assert "2 orang dicatat" in supervisor_client.get(response["Location"]).content.decode()


def test_a_past_day_the_day_end_has_not_reached_goes_through_the_life_cycle(supervisor_client, office, day, morning):
    # The whole system was down: nothing ended the day, the bookings are still confirmed.
    morning.move_to(at(9, 0, day=DAY + dt.timedelta(days=1)), tick=False)

    assert record_on(supervisor_client, office, DAY, day["zaenal"]).status_code == 302

    day["zaenal"].refresh_from_db()
    assert day["zaenal"].status == BookingStatus.SERVED
    assert list(day["zaenal"].transitions.order_by("id").values_list("to_status", flat=True)) == [
        "checked_in",
        "called",
        "served",
    ]


def test_a_no_show_for_missed_calls_is_not_corrected_and_nothing_changes(supervisor_client, office, day, morning):
    from applicants.services.transitions import booking_transition

    booking_transition(booking=day["checked"], to_status=BookingStatus.CALLED, reason="called", now=at(10, 5))
    booking_transition(booking=day["checked"], to_status=BookingStatus.NO_SHOW, reason="missed", now=at(10, 20))
    morning.move_to(at(17, 0), tick=False)
    end_the_day(office, at(17, 0))

    html = supervisor_client.get(url(office)).content.decode()
    assert f'value="{day["checked"].id}"' not in html
    response = record(supervisor_client, office, day["checked"], day["zaenal"])

    assert response.status_code == 400
    assert "Daftar sudah berubah" in response.content.decode()
    for key, status in (("checked", BookingStatus.NO_SHOW), ("zaenal", BookingStatus.NO_SHOW)):
        day[key].refresh_from_db()
        assert day[key].status == status


def test_a_day_more_than_a_week_back_can_no_longer_be_recorded(supervisor_client, office, day, morning):
    end_the_day(office, at(17, 0))
    morning.move_to(at(9, 0, day=DAY + dt.timedelta(days=8)), tick=False)

    response = record_on(supervisor_client, office, DAY, day["zaenal"])

    assert response.status_code == 400
    assert "Pilih tanggal antara 24-11-2026 dan 01-12-2026." in response.content.decode()
    day["zaenal"].refresh_from_db()
    assert day["zaenal"].status == BookingStatus.NO_SHOW
    morning.move_to(at(9, 0, day=DAY + dt.timedelta(days=7)), tick=False)
    assert supervisor_client.get(url(office, date=DAY.isoformat())).content.decode().count('name="served"') == 4


def test_a_day_ahead_cannot_be_recorded(supervisor_client, office, day, morning):
    tomorrow_slots = make_slots(office, day=DAY + dt.timedelta(days=1))
    ahead = make_booking(tomorrow_slots[(dt.time(8, 0), Track.REGULAR)])

    response = record_on(supervisor_client, office, DAY + dt.timedelta(days=1), ahead)

    assert response.status_code == 400
    ahead.refresh_from_db()
    assert ahead.status == BookingStatus.CONFIRMED


def test_today_someone_booked_who_has_not_come_says_so(officer_client, office, day, morning):
    html = officer_client.get(url(office), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    zaenal = html[html.index("Zaenal Arifin") :]
    row = zaenal[: zaenal.index("</tr>")]
    assert "Not arrived yet" in row
    checked = html[html.index("Budi Santoso") :]
    assert "Not arrived yet" not in checked[: checked.index("</tr>")]


def test_another_day_s_list_does_not_call_anyone_late(officer_client, office, day, morning):
    tomorrow = DAY + dt.timedelta(days=1)
    make_booking(make_slots(office, day=tomorrow)[(dt.time(8, 0), Track.REGULAR)], name="Besok Datang")

    html = officer_client.get(url(office, date=tomorrow.isoformat()), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Besok Datang" in html and "Not arrived yet" not in html
