"""The launch-day path of ``POST /api/v1/bookings/``: answered without DRF's view machinery
(``booking_create_view``) and written in one statement on PostgreSQL, with the same
answers as the DRF view and the general path."""

import pytest
from django.core.cache import cache

from applicants.api import booking_create
from applicants.models import Applicant, Booking, BookingTransition, Notification
from applicants.selectors import slot_for_booking
from offices.cache import availability_key, slot_full_and_copy
from tests.applicants.conftest import DAY, mark_full, nik_number, payload
from tests.conftest import record_requests
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def drf_calls(monkeypatch):
    """The paths of the requests that reached the DRF view."""
    return record_requests(monkeypatch, booking_create, "_drf_create_view")


def _shape(response) -> tuple:
    body = response.json()
    return response.status_code, response["Content-Type"], response["Cache-Control"], sorted(body)


def test_a_plain_json_booking_is_answered_without_the_drf_view_and_like_it(api, slot, drf_calls):
    direct = api.post(URL, payload(slot, nik=nik_number(1)), format="json")
    assert drf_calls == []
    through_drf = api.post(URL, payload(slot, nik=nik_number(2)), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert drf_calls == [URL]

    assert _shape(direct) == _shape(through_drf) == (201, "application/json", "no-store", _shape(direct)[3])
    assert direct["Location"] == f"/api/v1/bookings/{direct.json()['code']}/"
    assert through_drf["Location"] == f"/api/v1/bookings/{through_drf.json()['code']}/"


def test_the_direct_path_builds_its_answer_without_a_drf_response(api, slot, drf_calls, monkeypatch):
    """A DRF ``Response`` copied into a ``JsonResponse`` cost a booking 10 us more."""
    from rest_framework import response

    def refuse(*args, **kwargs):
        raise AssertionError("a DRF Response was built")

    monkeypatch.setattr(response.Response, "__init__", refuse)
    answer = api.post(URL, payload(slot, nik=nik_number(3)), format="json")
    assert answer.status_code == 201
    assert drf_calls == []


@pytest.fixture
def users_loaded(monkeypatch):
    """Requests for which the signed-in user was looked up (session and auth)."""
    from django.contrib.auth import middleware

    return record_requests(monkeypatch, middleware, "get_user")


def test_an_applicant_without_a_session_is_not_looked_up_as_a_user(api, slot, drf_calls, users_loaded):
    response = api.post(URL, payload(slot, nik=nik_number(3)), format="json")

    assert response.status_code == 201
    assert drf_calls == [] and users_loaded == []


def test_signed_in_staff_book_through_the_drf_view(api, slot, drf_calls, users_loaded, officer):
    api.force_login(officer)

    api.post(URL, payload(slot, nik=nik_number(4)), format="json")

    assert drf_calls == [URL]
    assert URL in users_loaded


@pytest.mark.parametrize(
    "overrides",
    [
        {"applicant": {"nik": "1234"}},
        {"applicant": {"phone": "not a phone", "email": "nope"}},
        {"track": "teleport"},
        {"session": 10**9},
    ],
    ids=["bad-nik", "bad-contact", "bad-choice", "unknown-session"],
)
def test_bad_input_gets_the_same_error_on_both_paths(api, slot, drf_calls, overrides):
    direct = api.post(URL, payload(slot, **overrides), format="json")
    through_drf = api.post(URL, payload(slot, **overrides), format="json", HTTP_IDEMPOTENCY_KEY="k-bad")

    assert len(drf_calls) == 1
    assert direct.status_code == through_drf.status_code
    assert direct.status_code in (400, 404)
    assert direct.json() == through_drf.json()
    assert direct["Content-Type"] == "application/json"
    assert (Booking.objects.count(), Applicant.objects.count()) == (0, 0)


def test_a_second_active_booking_is_refused_by_the_api_handler_on_the_direct_path(api, slot, drf_calls):
    assert api.post(URL, payload(slot), format="json").status_code == 201

    again = api.post(URL, payload(slot), format="json")

    assert drf_calls == []
    assert again.status_code == 409
    assert again.json()["code"] == "active_booking_exists"
    assert Booking.objects.count() == 1


def test_a_body_that_is_not_json_goes_to_the_drf_view(api, slot, drf_calls):
    response = api.post(URL, "not json", content_type="application/json")

    assert drf_calls == [URL]
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@pytest.mark.postgres
def test_one_statement_writes_the_booking_its_log_and_its_messages(api, slot, django_assert_num_queries):
    # The first booking on a connection also prepares the statement.
    assert api.post(URL, payload(slot, nik=nik_number(9)), format="json").status_code == 201
    slot_for_booking(slot_id=slot.id)  # the session's description comes from the cache
    # One statement; the savepoint pair only because each test runs inside a transaction.
    with django_assert_num_queries(3) as queries:
        response = api.post(URL, payload(slot), format="json")
    assert queries.captured_queries[1]["sql"].startswith("EXECUTE antrean_")

    assert response.status_code == 201, response.json()
    booking = Booking.objects.get(code=response.json()["code"])
    assert booking.applicant.phone == "+6281234567890"
    assert list(BookingTransition.objects.filter(booking=booking).values_list("from_status", "to_status")) == [
        ("", "confirmed")
    ]
    assert sorted(Notification.objects.filter(booking=booking).values_list("channel", flat=True)) == ["email", "sms"]
    slot.refresh_from_db()
    assert slot.booked == 2


@pytest.mark.postgres
def test_without_persistent_connections_the_statement_is_sent_as_it_is(api, slot, django_assert_num_queries):
    from django.db import connection

    old = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        slot_for_booking(slot_id=slot.id)
        with django_assert_num_queries(3) as queries:
            response = api.post(URL, payload(slot), format="json")
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = old

    assert response.status_code == 201
    assert queries.captured_queries[1]["sql"].startswith("WITH taken AS")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again(api, slot):
    from django.db import connection

    assert api.post(URL, payload(slot, nik=nik_number(1)), format="json").status_code == 201
    connection.close()  # as after a database restart or CONN_MAX_AGE

    response = api.post(URL, payload(slot, nik=nik_number(2)), format="json")

    assert response.status_code == 201
    assert Booking.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_worker_prepares_every_form_of_the_statement_and_writes_nothing(api, slot):
    from django.db import connection

    from applicants.services.one_statement import statements_prepare

    booked = slot.booked
    connection.close()
    connection.ensure_connection()  # a new worker's connection (queue_booking.warmup)

    assert statements_prepare() == 3  # no channel, one, or both
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'antrean_%%'")
        assert cursor.fetchone()[0] == 3
    slot.refresh_from_db()
    assert (slot.booked, Booking.objects.count(), Applicant.objects.count(), Notification.objects.count()) == (
        booked,
        0,
        0,
        0,
    )

    slot_for_booking(slot_id=slot.id)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = api.post(URL, payload(slot), format="json")
    assert response.status_code == 201
    sent = [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]
    assert "EXECUTE" in sent
    assert "PREPARE" not in sent  # its first booking only runs the statement


@pytest.mark.postgres
def test_only_the_last_place_marks_the_session_full_and_refreshes_availability(
    api, office, django_capture_on_commit_callbacks
):
    slot = SlotFactory(office=office, date=DAY, capacity=2)
    shown = availability_key(office.id, slot.date)
    cache.set(shown, {"shown": "before"}, 60)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(URL, payload(slot, nik=nik_number(1)), format="json").status_code == 201
    # Room is left: the cached page stays (display only, within the cache life).
    assert cache.get(shown) == {"shown": "before"}
    assert not slot_full_and_copy(slot.id)[0]

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(URL, payload(slot, nik=nik_number(2)), format="json").status_code == 201

    assert cache.get(shown) is None
    assert slot_full_and_copy(slot.id)[0]
    refused = api.post(URL, payload(slot, nik=nik_number(3)), format="json")
    assert refused.json()["code"] == "session_full"


@pytest.mark.postgres
@pytest.mark.parametrize("change", [{"booked": 50}, {"closed": True}])
def test_a_session_that_filled_after_its_mark_was_read_is_refused_in_one_statement(
    api, slot, change, django_assert_num_queries
):
    """The requests already past the "full" mark when a session sells out (or closes)
    find no room in the statement: refused at once, without writing the person and the
    booking only to roll them back, and the session is marked full for the next ones."""
    slot_for_booking(slot_id=slot.id)  # the copy says: open, with room
    type(slot).objects.filter(id=slot.id).update(**change)  # another worker took the last place

    # The savepoint pair around the statement (each test runs in a transaction) and the statement.
    with django_assert_num_queries(3) as queries:
        refused = api.post(URL, payload(slot), format="json")

    assert (refused.status_code, refused.json()["code"]) == (409, "session_full")
    assert queries.captured_queries[1]["sql"].startswith("EXECUTE antrean_")
    assert Booking.objects.count() == Applicant.objects.count() == 0
    assert slot_full_and_copy(slot.id)[0]


@pytest.mark.postgres
def test_a_code_collision_in_the_one_statement_is_retried_with_a_new_code(api, slot, monkeypatch):
    taken = api.post(URL, payload(slot, nik=nik_number(1)), format="json").json()["code"]
    codes = iter([taken, "ABCDEFGH"])
    monkeypatch.setattr("applicants.services.booking.new_booking_code", lambda: next(codes))

    response = api.post(URL, payload(slot, nik=nik_number(2)), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "ABCDEFGH"
    slot.refresh_from_db()
    assert slot.booked == 2
    assert (Booking.objects.count(), Applicant.objects.count(), BookingTransition.objects.count()) == (2, 2, 2)


def test_a_session_marked_full_is_refused_in_the_asker_s_language_with_the_general_error(api, slot, drf_calls):
    """The refusal's body is rendered once per language (most of the traffic after a day
    sells out); it must be what the general error answer says, in each language."""
    from django.utils import translation

    from applicants.exceptions import SessionFull

    mark_full(slot)
    answers = {}
    for language in ("id", "en", "id"):
        response = api.post(URL, payload(slot, nik=nik_number(4)), format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 409
        assert response["Content-Type"] == "application/json"
        assert response["Cache-Control"] == "no-store"
        with translation.override(language):
            expected = booking_create._json_error(SessionFull())
        assert response.content == expected.content
        answers[language] = response.json()["detail"]

    assert drf_calls == []
    assert answers["en"] == "This session is full. Choose another session, or ask for the next available date."
    assert answers["id"] != answers["en"]
    assert not Booking.objects.exists()


def test_the_refusal_of_a_full_session_is_rendered_once_per_language(api, slot, monkeypatch):
    booking_create._session_full_body.cache_clear()
    rendered = []
    real = booking_create._json_error

    def counting(exc):
        rendered.append(exc.code)
        return real(exc)

    monkeypatch.setattr(booking_create, "_json_error", counting)
    mark_full(slot)
    for n, language in enumerate(("id", "en", "id", "en")):
        response = api.post(URL, payload(slot, nik=nik_number(10 + n)), format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 409

    assert rendered == ["session_full", "session_full"]


def _by_column(obj, values: list) -> dict:
    from applicants.services.one_statement import _fields

    # psycopg2's Json has no equality of its own: compare what it wraps.
    fields = _fields(type(obj))
    return {field.attname: getattr(value, "adapted", value) for field, value in zip(fields, values, strict=True)}


@pytest.mark.postgres
def test_the_statement_s_values_are_the_ones_the_orm_would_write(slot):
    """Values of the type a column stores are sent as they are; anything else (a naive
    datetime, a bool for a number, a lazy string, JSON, a time) is prepared by the ORM."""
    import datetime as dt
    import warnings

    from django.db import connection
    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    from applicants.services.one_statement import _fields, _values

    now = timezone.now()
    applicant = Applicant(
        nik_hash="h" * 64, nik_encrypted="e", nik_masked="35**", full_name=gettext_lazy("name"), phone="+62812"
    )
    booking = Booking(
        code="ABCD2345",
        token_hash="t" * 64,
        nik_hash="h" * 64,
        office_id=slot.office_id,
        slot_id=slot.id,
        date=slot.date,
        requested_date=slot.date,
        rollover_rank=True,
        queue_seq=7,
        queue_session_start=dt.time(8, 0),
        checked_in_at=now,
        called_at=dt.datetime(2026, 12, 9, 8, 30),  # naive: the ORM makes it aware, with a warning
    )
    transition = BookingTransition(from_status="", to_status="confirmed", at=now, reason="booked", detail={"a": 1})
    notification = Notification(kind="confirmation", channel="sms", dedupe_key="confirmation")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for obj in (applicant, booking, transition, notification):
            sent = _by_column(obj, _values(obj, "default"))
            # The timestamps _values set, prepared the ORM's way from the object.
            orm = [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in _fields(type(obj))]
            assert sent == _by_column(obj, orm), type(obj).__name__
        sent = _by_column(booking, _values(booking, "default"))

    assert sent["rollover_rank"] == 1 and type(sent["rollover_rank"]) is int
    assert sent["called_at"].tzinfo is not None
    assert type(_by_column(applicant, _values(applicant, "default"))["full_name"]) is str
    # One reading of the clock for the insert's timestamps.
    assert booking.created_at == booking.updated_at >= now
