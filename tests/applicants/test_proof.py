"""The proof of registration: code, signed QR, proof page, PDF and calendar file."""

import datetime as dt
import re
import zlib

import pytest
from django.utils import translation
from icalendar import Calendar

from applicants.exceptions import ProofInvalid
from applicants.models import Booking, BookingStatus
from applicants.proof import (
    CODE_ALPHABET,
    booking_ics,
    checkin_window,
    new_booking_code,
    proof_payload,
    proof_pdf,
    proof_qr_svg,
    proof_sign,
    proof_verify,
    what_to_bring,
    what_to_bring_note,
)
from applicants.services.changes import booking_cancel, booking_reschedule
from offices.timeutils import office_datetime
from tests.applicants.conftest import NOW, payload
from tests.factories import SlotFactory, UserFactory

URL = "/api/v1/bookings/"


def test_codes_are_8_unambiguous_characters_from_a_secure_source():
    codes = {new_booking_code() for _ in range(2000)}

    assert len(codes) == 2000
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set(CODE_ALPHABET) & set("01IO")


def test_each_5_random_bits_are_one_symbol_so_every_symbol_is_as_likely(monkeypatch):
    """Every 5-bit value gives its own symbol at every place: fair bits, fair symbols."""
    import secrets

    for value, symbol in enumerate(CODE_ALPHABET):
        every_place = sum(value << (5 * place) for place in range(8))
        monkeypatch.setattr(secrets, "token_bytes", lambda n, v=every_place: v.to_bytes(n, "big"))
        assert new_booking_code() == symbol * 8
    one_to_eight = 0b00001_00010_00011_00100_00101_00110_00111_01000  # symbols 1..8, in order
    monkeypatch.setattr(secrets, "token_bytes", lambda n: one_to_eight.to_bytes(n, "big"))
    assert new_booking_code() == CODE_ALPHABET[1:9]


def test_a_code_reads_the_system_s_randomness_once(monkeypatch):
    """secrets.choice read it per symbol: 16 system calls per code on average."""
    import secrets

    reads = []
    real = secrets.token_bytes

    def counting(n):
        reads.append(n)
        return real(n)

    monkeypatch.setattr(secrets, "token_bytes", counting)
    monkeypatch.setattr(secrets, "choice", lambda seq: pytest.fail("one read per symbol"))
    new_booking_code()
    assert reads == [5]  # 40 bits: 8 symbols of 5


def sign(**overrides) -> str:
    fields = {
        "code": "K7M2QX9A",
        "office_code": "surabaya",
        "date": dt.date(2026, 12, 7),
        "start": dt.time(8, 0),
        "track": "regular",
        **overrides,
    }
    return proof_sign(**fields)


def test_a_signed_payload_verifies_without_a_database():
    text = sign()

    payload_ = proof_verify(text)

    assert (payload_.code, payload_.office_code, payload_.date, payload_.start, payload_.track) == (
        "K7M2QX9A",
        "surabaya",
        dt.date(2026, 12, 7),
        dt.time(8, 0),
        "regular",
    )
    assert payload_.key_id == "k1"
    assert len(text) <= 80  # small enough for a QR that scans off a cracked phone screen


@pytest.mark.parametrize(("part", "value"), [(1, "K7M2QX9B"), (2, "makassar"), (3, "20261208"), (4, "1000"), (5, "P")])
def test_changing_any_signed_part_breaks_the_signature(part, value):
    parts = sign().split(".")
    parts[part] = value

    with pytest.raises(ProofInvalid) as caught:
        proof_verify(".".join(parts))

    assert caught.value.code == "invalid_qr"


@pytest.mark.parametrize(
    "text",
    ["", "K7M2QX9A", "AP1.K7M2QX9A", "https://evil.example/", "AP1.a.b.c.d.e.f.g", "AP1.a.b.c.d.e.k1.g.h"],
)
def test_anything_else_is_not_a_proof(text):
    with pytest.raises(ProofInvalid):
        proof_verify(text)


def test_a_changed_version_or_signature_is_not_a_proof():
    text = sign()
    last = "B" if text.endswith("A") else "A"

    for forged in ("AP2" + text[3:], text[:-1] + last, text + ".extra"):
        with pytest.raises(ProofInvalid):
            proof_verify(forged)


def test_signing_keys_rotate(settings):
    settings.PROOF_SIGNING_KEYS = {"k1": "old-secret"}
    settings.PROOF_SIGNING_KEY_ID = "k1"
    old = sign()
    settings.PROOF_SIGNING_KEYS = {"k2": "new-secret", "k1": "old-secret"}
    settings.PROOF_SIGNING_KEY_ID = "k2"
    new = sign()

    assert proof_verify(old).key_id == "k1"
    assert proof_verify(new).key_id == "k2"
    settings.PROOF_SIGNING_KEYS = {"k2": "new-secret"}
    with pytest.raises(ProofInvalid):
        proof_verify(old)


def test_a_payload_signed_with_an_unknown_key_is_refused(settings):
    settings.PROOF_SIGNING_KEYS = {"k9": "someone-elses"}
    settings.PROOF_SIGNING_KEY_ID = "k9"
    forged = sign()
    settings.PROOF_SIGNING_KEYS = {"k1": "ours"}
    settings.PROOF_SIGNING_KEY_ID = "k1"

    with pytest.raises(ProofInvalid):
        proof_verify(forged)


def test_what_to_bring_depends_on_the_service():
    with translation.override("en"):
        new, renewal, lost = what_to_bring("new"), what_to_bring("renewal"), what_to_bring("replacement_lost")
        damaged = what_to_bring("replacement_damaged")

    assert any("Kartu Keluarga" in item for item in new)
    assert any("current passport" in item for item in renewal)
    assert any("Police report" in item for item in lost)
    assert len({tuple(new), tuple(renewal), tuple(lost), tuple(damaged)}) == 4


SERVICES = ["new", "renewal", "replacement_lost", "replacement_damaged"]
NOTE = {
    "en": "Bring these documents in the original; photocopies are not needed.",
    "id": "Bawa dokumen-dokumen ini dalam bentuk asli; fotokopi tidak diperlukan.",
}


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("service", SERVICES)
def test_what_to_bring_lists_documents_and_says_how_to_bring_them_apart(service, language):
    with translation.override(language):
        documents, note = what_to_bring(service), what_to_bring_note(service)

    assert note == NOTE[language]
    assert note not in documents
    # No list item is an instruction in disguise.
    assert not [
        item for item in documents if re.search(r"photocop|fotokopi|\boriginals?\b|\basli\b|^Bring|^Bawa", item)
    ]


# --- Rendered forms ---------------------------------------------------------------------------


@pytest.fixture
def booked(api, slot):
    response = api.post(URL, payload(slot, service="renewal"), format="json")
    assert response.status_code == 201
    body = response.json()
    booking = Booking.objects.select_related("office", "slot", "applicant").get(code=body["code"])
    return booking, body["token"]


def _window(office, start: dt.time, end: dt.time) -> tuple[dt.time, dt.time]:
    slot = SlotFactory(office=office, date=dt.date(2026, 12, 7), start=start, end=end)
    window = checkin_window(Booking(office=office, slot=slot))
    assert window.opens.date() == window.closes.date() == slot.date
    return window.opens.timetz().replace(tzinfo=None), window.closes.timetz().replace(tzinfo=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opening", "start", "opens"),
    [
        # The first session: an hour early would be 07:00, before the doors open at 07:30.
        (dt.time(7, 30), dt.time(8), dt.time(7, 30)),
        # An office that opens at 07:00 lets the hour apply in full.
        (dt.time(7), dt.time(8), dt.time(7)),
        # A later session is an hour early, the doors being long open.
        (dt.time(7, 30), dt.time(10), dt.time(9)),
        # A special session before the usual opening time opens at its own start.
        (dt.time(7, 30), dt.time(7), dt.time(7)),
    ],
)
def test_check_in_opens_early_but_never_before_the_office_opens(office, opening, start, opens):
    office.opening_time, office.checkin_early_minutes, office.checkin_late_minutes = opening, 60, 15
    end = (dt.datetime.combine(dt.date.min, start) + dt.timedelta(hours=2)).time()

    assert _window(office, start, end) == (opens, dt.time(end.hour, 15))


@pytest.mark.django_db
def test_the_check_in_window_is_on_the_office_s_own_clock(office):
    office.opening_time, office.checkin_early_minutes = dt.time(7, 30), 60
    slot = SlotFactory(office=office, date=dt.date(2026, 12, 7), start=dt.time(8), end=dt.time(10))

    window = checkin_window(Booking(office=office, slot=slot))

    assert window.opens == office_datetime(office, slot.date, dt.time(7, 30))


def pdf_text(data: bytes) -> str:
    """Page text of an fpdf2 document (its content streams are zlib-compressed).

    Each stream is read from its start to the end of its zlib data, not up to the
    next "endstream": compressed bytes may end in a carriage return, which a pattern
    like ``\\r?\\nendstream`` would swallow, and then the stream would not inflate.
    """
    chunks = []
    for start in re.finditer(rb">>\s*stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(data[start.end() :]).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(chunks)


@pytest.mark.django_db
def test_the_qr_holds_the_signed_payload(booked):
    booking, _token = booked

    assert proof_verify(proof_payload(booking)).code == booking.code
    assert proof_qr_svg(booking).startswith("<svg")


@pytest.mark.django_db
def test_the_pdf_states_code_office_date_session_window_and_what_to_bring(booked):
    booking, _token = booked

    data = proof_pdf(booking, "en")

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        booking.code,
        "Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        "Jl. Raya Juanda No. 2",
        "Monday, 7 December 2026",
        "08:00-10:00 WIB",
        "07:30",  # check-in opens when the office does, not an hour before 08:00
        "3578********0001",
        "Your current passport",
    ):
        assert expected in text, expected
    assert b"/Subtype /Image" in data


@pytest.mark.django_db
def test_the_pdf_says_how_to_bring_the_documents_as_a_sentence_not_a_list_item(booked):
    booking, _token = booked

    text = pdf_text(proof_pdf(booking, "en"))

    assert "(- Your current passport)" in text
    assert "(Bring these documents in the original; photocopies are not needed.)" in text
    assert "(- Bring" not in text


NO_LONGER_VALID = [
    BookingStatus.CANCELLED,
    BookingStatus.NO_SHOW,
    BookingStatus.ROLLED_OVER,
    BookingStatus.SERVED,
    BookingStatus.EXPIRED,
]


@pytest.mark.django_db
@pytest.mark.parametrize("status", NO_LONGER_VALID)
def test_a_pdf_of_a_booking_no_longer_valid_says_so_without_qr_window_or_documents(booked, status):
    booking, _token = booked
    Booking.objects.filter(id=booking.id).update(status=status)
    booking.refresh_from_db()

    data = proof_pdf(booking, "en")

    text = pdf_text(data)
    assert "this booking is no longer valid." in text
    assert "Staff cannot check you in with this proof." in text
    assert booking.code in text
    assert b"/Subtype /Image" not in data
    assert "Check in between" not in text
    assert "What to bring" not in text and "Your current passport" not in text


@pytest.mark.django_db
def test_a_cancelled_booking_s_pdf_says_so_in_indonesian(booked):
    booking, _token = booked
    Booking.objects.filter(id=booking.id).update(status=BookingStatus.CANCELLED)
    booking.refresh_from_db()

    assert "Dibatalkan: pendaftaran ini tidak berlaku lagi." in pdf_text(proof_pdf(booking, "id"))


@pytest.mark.django_db
def test_the_pdf_speaks_the_language_asked_for(booked):
    booking, _token = booked

    assert "Senin, 7 Desember 2026" in pdf_text(proof_pdf(booking, "id"))


@pytest.mark.django_db
def test_the_calendar_file_parses_and_holds_the_session(booked):
    booking, _token = booked

    calendar = Calendar.from_ical(booking_ics(booking, "en"))

    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
    assert str(event["uid"]).startswith(booking.code)
    assert "Surabaya" in str(event["location"])
    assert booking.code in str(event["description"])
    assert str(event["description"]).splitlines()[-3:] == [
        "- Electronic identity card (e-KTP)",
        "- Your current passport",
        NOTE["en"],
    ]
    assert calendar.walk("VALARM")
    assert calendar.walk("VTIMEZONE")


@pytest.mark.django_db
def test_the_proof_page_behind_the_secret_link(client, booked):
    booking, token = booked

    response = client.get(f"/b/{booking.code}/{token}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        booking.code,
        "3578********0001",
        "Jl. Raya Juanda No. 2",
        "08:00",
        "WIB",
        "07:30",  # check-in opens when the office opens (an hour before 08:00 is 07:00)
        "Your current passport",
        "<svg",
        f"/b/{booking.code}/{token}/proof.pdf",
        f"/b/{booking.code}/{token}/calendar.ics",
    ):
        assert expected in html, expected
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "id"])
def test_the_proof_page_lists_only_documents_and_gives_the_instruction_as_a_sentence(client, booked, language):
    booking, token = booked

    html = client.get(f"/b/{booking.code}/{token}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    checklist = re.search(r'<ul class="checklist">(.*?)</ul>', html, re.S).group(1)
    with translation.override(language):
        assert re.findall(r"<li>(.*?)</li>", checklist) == what_to_bring("renewal")
    assert f'<p class="bring-note">{NOTE[language]}</p>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", [status for status in NO_LONGER_VALID if status != BookingStatus.SERVED])
def test_the_proof_page_of_a_booking_no_longer_valid_says_so_without_qr_or_window(client, booked, status):
    booking, token = booked
    Booking.objects.filter(id=booking.id).update(status=status)

    html = client.get(f"/b/{booking.code}/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    banner = re.search(r'<div class="card notice bad status-banner".*?</div>', html, re.S)
    assert banner, "no warning banner"
    assert "this booking is no longer valid." in banner.group(0)
    assert "Staff cannot check you in with this proof." in banner.group(0)
    assert "<svg" not in html
    assert "Check-in" not in html and "07:00" not in html
    assert "Your current passport" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "done", "again"),
    [
        ("en", "your visit for this booking is complete.", "This proof cannot be used to check in again."),
        (
            "id",
            "kunjungan Anda untuk pendaftaran ini sudah selesai.",
            "Bukti ini tidak dapat digunakan untuk check-in lagi.",
        ),
    ],
)
def test_a_served_booking_s_proof_page_says_the_visit_is_done_not_that_something_is_wrong(
    client, booked, language, done, again
):
    """A person just served, whose page redraws itself on the status change, met a red
    "Served — this booking is no longer valid." as if something had gone wrong."""
    booking, token = booked
    Booking.objects.filter(id=booking.id).update(status=BookingStatus.SERVED)

    html = client.get(f"/b/{booking.code}/{token}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    banner = re.search(r'<div class="card notice ok status-banner".*?</div>', html, re.S)
    assert banner, "no banner saying it is done"
    assert done in banner.group(0) and again in banner.group(0)
    assert "notice bad" not in html
    assert "<svg" not in html and "Check-in" not in html


@pytest.mark.django_db
def test_downloads_behind_the_secret_link(client, booked):
    booking, token = booked

    pdf = client.get(f"/b/{booking.code}/{token}/proof.pdf")
    ics = client.get(f"/b/{booking.code}/{token}/calendar.ics")

    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert (ics.status_code, ics["Content-Type"]) == (200, "text/calendar")
    assert Calendar.from_ical(ics.content).walk("VEVENT")
    assert pdf["Cache-Control"] == ics["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "proof.pdf", "calendar.ics"])
def test_a_wrong_token_sees_nothing(client, booked, suffix):
    booking, _token = booked

    assert client.get(f"/b/{booking.code}/not-the-token/{suffix}").status_code == 404
    assert client.get(f"/b/ZZZZZZZZ/not-the-token/{suffix}").status_code == 404


@pytest.mark.django_db
def test_a_waiting_request_has_a_proof_without_qr_or_calendar(client, api, office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)
    body = api.post(URL, payload(full, if_full="next_available"), format="json").json()

    page = client.get(f"/b/{body['code']}/{body['token']}/", HTTP_ACCEPT_LANGUAGE="en")
    pdf = client.get(f"/b/{body['code']}/{body['token']}/proof.pdf")

    assert page.status_code == 200
    assert 'data-status="waiting"' in page.content.decode()
    assert "<svg" not in page.content.decode()
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/b/{body['code']}/{body['token']}/calendar.ics").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "session", "opens"), [("id", "08.00-10.00 WIB", "07.30"), ("en", "08:00-10:00 WIB", "07:30")]
)
def test_the_pdf_writes_times_as_the_pages_do(booked, language, session, opens):
    booking, _token = booked

    text = pdf_text(proof_pdf(booking, language))

    assert session in text
    assert opens in text


@pytest.mark.django_db
@pytest.mark.parametrize("status", [BookingStatus.NO_SHOW, BookingStatus.SERVED])
def test_a_booking_no_longer_valid_has_no_calendar_file(client, booked, status):
    booking, token = booked
    assert client.get(f"/b/{booking.code}/{token}/calendar.ics").status_code == 200
    Booking.objects.filter(id=booking.id).update(status=status)

    assert client.get(f"/b/{booking.code}/{token}/calendar.ics").status_code == 404


def _calendar_event(response) -> tuple[Calendar, dict]:
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "summary", "told"),
    [
        ("id", "Dibatalkan: jadwal pengurusan paspor di", "Pendaftaran ini dibatalkan."),
        ("en", "Cancelled: passport appointment at", "This booking is cancelled."),
    ],
)
def test_a_cancelled_booking_s_calendar_file_cancels_the_same_event(client, booked, language, summary, told):
    """A calendar keeps an event until told otherwise: the file saved before still
    answered with a bare 404 once the booking was cancelled."""
    booking, token = booked
    url = f"/b/{booking.code}/{token}/calendar.ics"
    _calendar, published = _calendar_event(client.get(url))
    booking_cancel(booking=booking, now=NOW)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar")
    assert response["Cache-Control"] == "no-store"
    calendar, event = _calendar_event(response)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(published["uid"])
    assert event.decoded("sequence") == published.decoded("sequence") + 1
    assert event.decoded("dtstart") == published.decoded("dtstart")
    assert str(event["summary"]).startswith(summary)
    assert told in str(event["description"]) and booking.code in str(event["description"])
    assert not calendar.walk("VALARM")


@pytest.mark.django_db
def test_a_booking_moved_to_another_date_cancels_its_old_event(client, booked):
    booking, token = booked
    Booking.objects.filter(id=booking.id).update(status=BookingStatus.ROLLED_OVER)

    calendar, event = _calendar_event(client.get(f"/b/{booking.code}/{token}/calendar.ics", HTTP_ACCEPT_LANGUAGE="en"))

    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert "moved to another date" in str(event["description"])


@pytest.mark.django_db
def test_a_moved_booking_s_calendar_file_carries_a_higher_sequence(client, booked, later_slot):
    """RFC 5545 3.8.7.4: the same UID with a new time and no higher SEQUENCE may be kept
    at its old time by a calendar app."""
    booking, token = booked
    url = f"/b/{booking.code}/{token}/calendar.ics"

    def event() -> dict:
        [vevent] = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        return {"uid": str(vevent["uid"]), "sequence": vevent.decoded("sequence"), "start": vevent.decoded("dtstart")}

    first = event()
    booking_reschedule(booking=booking, new_slot=later_slot, now=NOW)
    moved = event()
    afternoon = SlotFactory(office=later_slot.office, date=later_slot.date, start=dt.time(13, 0), end=dt.time(15, 0))
    # Staff may move it beyond the free reschedules: a change of time all the same.
    booking_reschedule(booking=Booking.objects.get(id=booking.id), new_slot=afternoon, now=NOW, actor=UserFactory())
    moved_again = event()

    assert first["sequence"] == 0
    assert moved["uid"] == first["uid"] and moved["start"] != first["start"]
    assert moved["sequence"] == 1
    assert moved_again["uid"] == first["uid"] and moved_again["sequence"] == 2
    assert "METHOD:PUBLISH" in client.get(url).content.decode()
