"""Walk-ins: registered at the desk, queued at once, never past capacity."""

import datetime as dt
import re

import pytest
from django.db.models import F
from django.urls import reverse

from applicants.exceptions import ActiveBookingExists, InvalidNik, NikBirthDateMismatch
from applicants.exceptions_staff import (
    WalkinActiveBookingExists,
    WalkinAlreadyQueued,
    WalkinNoSession,
    WalkinNotAllowed,
    WalkinNotElderly,
    WalkinSessionUnavailable,
)
from applicants.identity import nik_hash
from applicants.models import Applicant, Booking, BookingStatus, Channel, PersonalDataAccess
from applicants.services.walkin import walkin_register
from offices.models import Slot, Track
from tests.staff.conftest import at, make_booking, make_slots

pytestmark = pytest.mark.django_db

BORN = dt.date(1950, 5, 12)


def nik(serial: int, born: dt.date = BORN) -> str:
    """A valid NIK of a man born on ``born`` in Surabaya (3578 01)."""
    return f"357801{born:%d%m%y}{serial:04d}"


def _walk_in(office, serial=1, *, born=BORN, now=None, **kwargs):
    kwargs.setdefault("priority_group", "elderly")
    return walkin_register(
        office=office,
        nik=nik(serial, born),
        full_name=f"Bapak Sepuh {serial}",
        birth_date=born,
        now=now or at(8, 30),
        **kwargs,
    )


def test_a_priority_walk_in_is_queued_at_once_and_takes_a_place(office, slots, officer):
    result = _walk_in(office, actor=officer)

    booking = result.booking
    assert booking.queue_number == "P-001"
    assert booking.status == BookingStatus.CHECKED_IN
    assert (booking.channel, booking.track, booking.priority_group) == (Channel.WALK_IN, Track.PRIORITY, "elderly")
    assert booking.slot == slots[(dt.time(8), Track.PRIORITY)]
    assert Slot.objects.get(id=booking.slot_id).booked == 1
    assert booking.applicant.nik_masked == "3578********0001"


def test_walk_ins_can_never_exceed_capacity(office):
    make_slots(office, capacity={Track.PRIORITY: 1})

    first = _walk_in(office, 1)
    second = _walk_in(office, 2)
    with pytest.raises(WalkinNoSession):
        _walk_in(office, 3)

    # The first session's place went first, then the next session's; nothing more.
    assert [first.booking.slot.start, second.booking.slot.start] == [dt.time(8), dt.time(10)]
    assert list(Slot.objects.filter(track=Track.PRIORITY).values_list("booked", "capacity")) == [(1, 1), (1, 1)]
    assert Booking.objects.count() == 2


def test_a_refused_walk_in_changes_nobody_s_details(office, slots):
    # An earlier walk-in of the same person; later, with no place left, staff try again
    # with other details. The refusal must leave the stored person as it was: a change
    # to someone's name or phone with no booking made would be in no status log.
    first = _walk_in(office, 1, now=at(8, 30))
    Booking.objects.filter(id=first.booking.id).update(status=BookingStatus.SERVED)
    Slot.objects.filter(track=Track.PRIORITY).update(capacity=1, booked=1)

    with pytest.raises(WalkinNoSession):
        walkin_register(
            office=office,
            nik=nik(1),
            full_name="Someone Else",
            birth_date=BORN,
            phone="0813-9999-8888",
            priority_group="elderly",
            now=at(9, 0),
        )

    person = Applicant.objects.get()
    assert (person.full_name, person.phone) == ("Bapak Sepuh 1", "")


def test_a_full_session_leaves_no_row_behind(office):
    make_slots(office, capacity={Track.PRIORITY: 1})
    Slot.objects.filter(track=Track.PRIORITY, start=dt.time(8)).update(booked=1)

    result = _walk_in(office, 1)

    assert result.booking.slot.start == dt.time(10)
    assert Booking.objects.count() == 1


def test_a_finished_session_is_not_offered(office, slots):
    result = _walk_in(office, now=at(10, 30))

    assert result.booking.slot.start == dt.time(10)


def test_with_a_late_check_in_window_a_walk_in_takes_the_next_session_not_the_ended_one(office, slots):
    # 10:15: the 08:00-10:00 session has ended, though people who booked it may still
    # check in for half an hour. A walk-in takes a place in a session still to serve.
    office.checkin_late_minutes = 30
    office.save(update_fields=["checkin_late_minutes"])

    result = _walk_in(office, now=at(10, 15))

    assert result.booking.slot.start == dt.time(10)


def test_the_walk_in_page_does_not_offer_a_session_that_has_ended(officer_client, office, slots, time_machine):
    office.checkin_late_minutes = 30
    office.save(update_fields=["checkin_late_minutes"])
    time_machine.move_to(at(10, 15), tick=False)

    html = officer_client.get(reverse("staff:walkin", args=[office.code])).text

    assert "08.00–10.00" not in html
    assert "10.00–12.00" in html


def test_a_session_that_ended_after_the_page_was_shown_gives_way_to_the_next(office, slots):
    office.checkin_late_minutes = 30
    office.save(update_fields=["checkin_late_minutes"])

    with pytest.raises(WalkinSessionUnavailable):
        _walk_in(office, now=at(10, 15), slot=slots[(dt.time(8), Track.PRIORITY)])

    # Said as such (the 10:00 session still has room), and nothing kept.
    assert not Booking.objects.exists()


def test_everyone_else_waits_for_online_booking_while_it_is_open(office, slots):
    with pytest.raises(WalkinNotAllowed):
        _walk_in(office, priority_group="")


def test_everyone_may_walk_in_when_the_office_runs_without_online_booking(office, slots):
    office.online_booking = False
    office.save()

    result = _walk_in(office, priority_group="", track=Track.EXPRESS)

    assert result.booking.queue_number == "B-001"
    assert result.booking.track == Track.EXPRESS


def test_a_priority_walk_in_given_a_session_of_another_track_takes_that_session_on_priority(office, slots):
    """With online booking off the desk may pick a regular session for an elderly person:
    before, nothing matched on the priority track and staff were told no room was left."""
    office.online_booking = False
    office.save()

    result = _walk_in(office, slot=slots[(dt.time(10), Track.REGULAR)])

    assert result.booking.slot == slots[(dt.time(10), Track.PRIORITY)]
    assert result.booking.queue_number == "P-001"


def test_walk_ins_follow_the_nik_rules(office, slots):
    with pytest.raises(InvalidNik):
        walkin_register(
            office=office, nik="1234", full_name="X", birth_date=BORN, now=at(8, 30), priority_group="elderly"
        )
    with pytest.raises(NikBirthDateMismatch):
        walkin_register(
            office=office,
            nik=nik(1),
            full_name="X",
            birth_date=dt.date(1951, 5, 12),
            now=at(8, 30),
            priority_group="elderly",
        )
    assert Slot.objects.filter(booked__gt=0).count() == 0


def test_a_person_with_an_active_booking_cannot_walk_in_as_well(office, slots):
    _walk_in(office, 1)

    with pytest.raises(ActiveBookingExists):
        _walk_in(office, 1)


def test_a_walk_in_registered_twice_is_answered_with_the_booking_that_has_their_number(office, slots):
    first = _walk_in(office, 1)

    with pytest.raises(WalkinAlreadyQueued) as refused:
        _walk_in(office, 1)

    assert refused.value.booking == first.booking
    assert refused.value.code == "active_booking_exists"


def test_a_person_booked_for_another_day_is_refused_without_a_number(office, slots):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    Booking.objects.filter(id=booking.id).update(nik_hash=nik_hash(nik(2)))

    with pytest.raises(WalkinActiveBookingExists) as refused:
        _walk_in(office, 2)

    assert not isinstance(refused.value, WalkinAlreadyQueued)


def test_api_walk_in_sent_twice_answers_409_with_the_number_already_given(officer_client, office, slots, morning):
    url = f"/api/v1/staff/offices/{office.code}/walk-ins/"
    body = {"nik": nik(9), "full_name": "Ibu Hamil", "birth_date": "1950-05-12", "priority_group": "pregnant"}
    officer_client.post(url, body, content_type="application/json")

    response = officer_client.post(url, body, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "active_booking_exists"
    assert response.json()["queue_number"] == "P-001"
    # The answer named the person's number: that read is recorded.
    assert PersonalDataAccess.objects.filter(action=PersonalDataAccess.Action.CHECKIN_VIEW).count() == 1


def test_the_walk_in_409_documents_the_queue_number(client):
    schema = client.get("/api/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/staff/offices/{code}/walk-ins/"]["post"]["responses"]["409"]
    ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"code", "detail", "fields", "queue_number"} <= set(properties)
    assert "queue_number" not in schema["components"]["schemas"][ref].get("required", [])
    assert "`active_booking_exists`" in answer["description"]


def test_api_walk_in(officer_client, office, slots, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": nik(7), "full_name": "Ibu Hamil", "birth_date": "1950-05-12", "priority_group": "pregnant"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["queue_number"] == "P-001"
    assert response.json()["flags"] == ["walk_in"]
    assert "nik" not in response.json()


def test_api_walk_in_refused_when_full(officer_client, office, morning):
    make_slots(office, capacity={Track.PRIORITY: 0})

    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": nik(8), "full_name": "Ibu", "birth_date": "1950-05-12", "priority_group": "disabled"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "walkin_no_session"


# The walk-in page's form for an infant's parent, with a session chosen for them.
PAGE_FORM = {
    "priority_group": "infant",
    "full_name": "Ayah Bayi",
    "birth_date": "1950-05-12",
    "service": "new",
    "track": "regular",
    "session": "",
}


def test_the_walk_in_page_registers_and_shows_the_number(officer_client, office, slots, morning):
    response = officer_client.post(reverse("staff:walkin", args=[office.code]), {**PAGE_FORM, "nik": nik(9)})

    assert response.status_code == 200
    assert 'data-testid="queue-number">P-001<' in response.text


def test_the_walk_in_page_shows_a_nik_error(officer_client, office, slots, morning):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {"priority_group": "elderly", "nik": "1234", "full_name": "X", "birth_date": "1950-05-12", "service": "new"},
    )

    error = re.search(r'id="id_nik_error"[^>]*>(.*?)</p>', response.text, re.S)
    assert error and "16" in error.group(1)
    assert not Booking.objects.exists()


def test_the_priority_track_is_only_for_priority_groups(office, slots):
    office.online_booking = False
    office.save()

    with pytest.raises(WalkinNotAllowed):
        _walk_in(office, priority_group="", track=Track.PRIORITY)


def test_after_a_walk_in_the_sessions_show_the_place_it_took(officer_client, office, slots, morning):
    url = reverse("staff:walkin", args=[office.code])
    before = officer_client.get(url).context["sessions"]

    after = officer_client.post(url, {**PAGE_FORM, "nik": nik(9)}).context["sessions"]

    assert sum(s.capacity - s.booked for s in after) == sum(s.capacity - s.booked for s in before) - 1


def test_the_walk_in_page_says_before_the_form_when_no_session_is_left(officer_client, office, morning):
    """A day without sessions (or after the last one): filling the form in would only be refused."""
    response = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    notice = response.text.index('data-testid="no-walkin-session"')
    assert "The office has no open session today: no walk-in can be registered." in response.text[notice:]
    assert notice < response.text.index('<form method="post" class="form"')


def _offered(response) -> list[str]:
    """The session choices the page offers, as their labels (the "earliest" choice left out)."""
    return [str(label) for value, label in response.context["form"].fields["session"].choices if value]


def test_the_walk_in_page_does_not_offer_a_full_session(officer_client, office, slots, morning):
    Slot.objects.filter(id=slots[(dt.time(8), Track.PRIORITY)].id).update(booked=5)

    response = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    assert _offered(response) == ["10:00–12:00 · Priority · 5 free"]
    assert "08:00–10:00" not in response.text
    assert 'data-testid="no-walkin-session"' not in response.text


def test_each_track_offers_only_its_own_sessions_with_room(officer_client, office, slots, morning):
    """Without online booking every track is offered; places are counted per track."""
    office.online_booking = False
    office.save()
    Slot.objects.filter(start=dt.time(8), track__in=[Track.REGULAR, Track.PRIORITY]).update(booked=F("capacity"))
    Slot.objects.filter(start=dt.time(10), track=Track.EXPRESS).update(booked=F("capacity"))

    response = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    assert _offered(response) == [
        "10:00–12:00 · Regular · 50 free",
        "08:00–10:00 · Express · 10 free",
        "10:00–12:00 · Priority · 5 free",
    ]


def test_when_every_session_is_full_on_every_track_the_page_says_so_before_the_form(
    officer_client, office, slots, morning
):
    office.online_booking = False
    office.save()
    Slot.objects.update(booked=F("capacity"))

    response = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    notice = response.text.index('data-testid="no-walkin-session"')
    assert "No session today has room left for walk-ins." in response.text[notice:]
    assert notice < response.text.index('<form method="post" class="form"')
    assert _offered(response) == []


def test_a_session_that_filled_after_the_form_was_shown_is_refused_by_the_service(
    officer_client, office, slots, morning
):
    url = reverse("staff:walkin", args=[office.code])
    chosen = slots[(dt.time(10), Track.PRIORITY)]
    assert f"{chosen.start:%H:%M}–{chosen.end:%H:%M} · Priority · 5 free" in _offered(
        officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    )
    # Another desk takes the last places meanwhile.
    Slot.objects.filter(id=chosen.id).update(booked=5)

    response = officer_client.post(
        url, {**PAGE_FORM, "nik": nik(9), "session": str(chosen.id)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    # Not "no session has room": the 08:00 one has.
    assert 'data-code="walkin_session_unavailable"' in response.text
    assert "The session chosen has ended or has no room left: choose another one." in response.text
    assert "not one of the available choices" not in response.text
    assert not Booking.objects.exists()
    # The page offers what is left, no longer the session that filled.
    assert _offered(response) == ["08:00–10:00 · Priority · 5 free"]


def test_the_session_that_a_walk_in_filled_is_no_longer_offered(officer_client, office, morning):
    make_slots(office, capacity={Track.PRIORITY: 1})
    url = reverse("staff:walkin", args=[office.code])

    response = officer_client.post(url, {**PAGE_FORM, "nik": nik(9)}, HTTP_ACCEPT_LANGUAGE="en")

    assert 'data-testid="queue-number">P-001<' in response.text
    assert _offered(response) == ["10:00–12:00 · Priority · 1 free"]


def test_elderly_is_refused_for_someone_under_60_and_changes_nothing(office, slots):
    with pytest.raises(WalkinNotElderly) as refused:
        _walk_in(office, 1, born=dt.date(1990, 5, 12))  # 36 on the day

    assert refused.value.fields == {"priority_group": [refused.value.detail]}
    assert "36" in refused.value.detail
    assert not Booking.objects.exists() and not Applicant.objects.exists()
    assert Slot.objects.filter(booked__gt=0).count() == 0


def test_elderly_starts_on_the_60th_birthday(office, slots):
    # The day is 23 November 2026.
    assert _walk_in(office, 2, born=dt.date(1966, 11, 23)).booking.priority_group == "elderly"
    with pytest.raises(WalkinNotElderly):
        _walk_in(office, 3, born=dt.date(1966, 11, 24))


def test_the_other_priority_groups_are_the_desk_s_to_see(office, slots):
    for serial, group in enumerate(("disabled", "pregnant", "infant"), start=4):
        result = _walk_in(office, serial, born=dt.date(1990, 5, 12), priority_group=group)
        assert result.booking.priority_group == group


def test_the_walk_in_page_says_beside_the_group_why_elderly_does_not_fit(officer_client, office, slots, morning):
    young = dt.date(1990, 5, 12)
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {**PAGE_FORM, "priority_group": "elderly", "nik": nik(8, young), "birth_date": young.isoformat()},
    )

    html = response.text
    assert "Lansia (60+)" in html
    error = re.search(r'id="id_priority_group_error"[^>]*>(.*?)</', html, re.S)
    assert error and "berusia 36" in error.group(1)
    assert not Booking.objects.exists()


def test_api_walk_in_refuses_elderly_under_60_on_its_field(officer_client, office, slots, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {
            "nik": nik(9, dt.date(1990, 5, 12)),
            "full_name": "D",
            "birth_date": "1990-05-12",
            "priority_group": "elderly",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "priority_group_mismatch"
    assert list(body["fields"]) == ["priority_group"]
    assert not Booking.objects.exists()


def test_when_the_last_place_went_meanwhile_the_page_says_so_once_and_takes_no_more(
    officer_client, office, slots, morning
):
    url = reverse("staff:walkin", args=[office.code])
    Slot.objects.filter(track=Track.PRIORITY).update(booked=F("capacity"))  # another desk took them

    response = officer_client.post(url, {**PAGE_FORM, "nik": nik(9)}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.text
    assert html.count('data-code="walkin_no_session"') == 1
    assert 'class="form-error"' not in html  # one notice, not a second one above it
    notice = html[html.index('data-testid="no-walkin-session"') - 200 :]
    assert 'role="alert"' in notice[:400]
    assert re.search(r'<fieldset class="plain-fieldset" disabled>', html)
    assert not Booking.objects.exists()


def test_api_walk_in_reports_every_bad_field_at_once(officer_client, office, slots, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": "1234", "birth_date": "1950-05-12", "phone": "12", "email": "not-an-email"},
        content_type="application/json",
    )

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"nik", "full_name", "phone", "email"}
    assert "NIK" in fields["nik"][0]
    assert not Booking.objects.exists()
    assert not Applicant.objects.exists()


def test_api_walk_in_checks_the_birth_date_against_the_nik(officer_client, office, slots, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": nik(3), "full_name": "Bapak", "birth_date": "1951-05-12", "priority_group": "elderly"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["birth_date"]
    assert not Booking.objects.exists()


def test_api_walk_in_takes_no_phone_and_stores_a_given_one_as_e164(officer_client, office, slots, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": nik(4), "full_name": "Bapak", "birth_date": "1950-05-12", "priority_group": "elderly", "phone": ""},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {
            "nik": nik(5),
            "full_name": "Bapak",
            "birth_date": "1950-05-12",
            "priority_group": "elderly",
            "phone": "0812-3456-7890",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Applicant.objects.filter(phone="+6281234567890").exists()


def test_the_walk_in_page_reports_a_bad_nik_and_phone_beside_a_missing_name(officer_client, office, slots, morning):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {"priority_group": "elderly", "nik": "1234", "birth_date": "1950-05-12", "phone": "12", "service": "new"},
    )

    html = response.text
    for field in ("nik", "full_name", "phone"):
        assert f'id="id_{field}_error"' in html, field
    assert not Booking.objects.exists()


def test_the_walk_in_page_puts_a_birth_date_that_does_not_match_the_nik_beside_the_date(
    officer_client, office, slots, morning
):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {"priority_group": "elderly", "nik": nik(6), "full_name": "X", "birth_date": "1951-05-12", "service": "new"},
    )

    error = re.search(r'id="id_birth_date_error"[^>]*>(.*?)</', response.text, re.S)
    assert error and "NIK" in error.group(1)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("born", ["2030-01-01", "1800-01-01"])
def test_api_walk_in_refuses_an_impossible_birth_date_before_anything_else(officer_client, office, morning, born):
    # No session at all: the date is still the first thing said, as for a booking.
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/walk-ins/",
        {"nik": "3578010101300001", "full_name": "X", "birth_date": born, "priority_group": "disabled"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_birth_date"
    assert not Applicant.objects.exists()


def test_the_walk_in_page_refuses_a_name_of_invisible_characters(officer_client, office, slots, morning):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]), {**PAGE_FORM, "nik": nik(12), "full_name": "\u200b"}
    )

    assert 'id="id_full_name_error"' in response.text
    assert not Booking.objects.exists()


def test_a_walk_in_s_messages_are_in_the_person_s_language_not_the_officer_s(officer_client, office, slots, morning):
    """They were sent in the language of the officer's page: English SMS to an Indonesian
    applicant because the officer reads the desk in English."""
    url = reverse("staff:walkin", args=[office.code])
    officer_client.post(url, {**PAGE_FORM, "nik": nik(21)}, HTTP_ACCEPT_LANGUAGE="en")
    officer_client.post(url, {**PAGE_FORM, "nik": nik(22), "language": "en"}, HTTP_ACCEPT_LANGUAGE="id")
    api = f"/api/v1/staff/offices/{office.code}/walk-ins/"
    person = {"full_name": "Ibu", "birth_date": "1950-05-12", "priority_group": "elderly"}
    officer_client.post(api, {**person, "nik": nik(23)}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    officer_client.post(api, {**person, "nik": nik(24), "language": "en"}, content_type="application/json")

    languages = dict(Booking.objects.values_list("applicant__nik_masked", "language"))
    assert [languages[f"3578********{n:04d}"] for n in (21, 22, 23, 24)] == ["id", "en", "id", "en"]
    assert 'name="language"' in officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
