"""What the applicant's pages tell a person to do next: how to fix an error, how long to
wait, where an existing booking is, where the queue is, and what to do on the day."""

import datetime as dt
import re

import pytest
from django.test import override_settings

from applicants.models import Booking
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import counter_open, queue_call_next
from offices.models import Slot
from tests.web.conftest import TODAY, WIB, sent_back
from tests.web.test_booking_pages import DATE, NIK, _book, _field_error, _form

pytestmark = pytest.mark.django_db


def _error(html: str, name: str) -> str:
    """The message beside a field, without its "Error:" for screen readers."""
    return re.sub(r"^(Kesalahan|Error): ", "", _field_error(html, name))


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _summary(html: str) -> str:
    match = re.search(r"<div class=\"form-error\".*?</div>", html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))) if match else ""


def test_an_empty_booking_form_says_what_to_enter_in_each_field(client, pinned, surabaya):
    empty = dict.fromkeys(("full_name", "nik", "birth_date", "phone"), "")

    html = client.post("/offices/surabaya/book/", _form(**empty), follow=True).content.decode()

    assert _error(html, "full_name") == "Tulis nama lengkap Anda sesuai e-KTP."
    assert _error(html, "nik") == "Masukkan NIK Anda: 16 angka yang tertera pada e-KTP atau Kartu Keluarga (KK)."
    assert _error(html, "birth_date") == "Masukkan tanggal lahir Anda."
    assert _error(html, "phone") == "Masukkan nomor ponsel yang dapat menerima SMS, misalnya 0812 3456 7890."
    assert "Isian ini wajib diisi" not in html


def test_an_empty_booking_form_says_it_in_english_too(client, pinned, surabaya):
    client.cookies["django_language"] = "en"

    html = client.post("/offices/surabaya/book/", _form(nik="", phone=""), follow=True).content.decode()

    assert _error(html, "nik") == "Enter your NIK: the 16 digits on your e-KTP or family card (KK)."
    assert _error(html, "phone") == "Enter a mobile number that can receive SMS, for example 0812 3456 7890."
    assert "This field is required" not in html


def test_a_choice_the_page_never_offered_is_refused_in_the_product_s_words(client, pinned, surabaya):
    """A stale or tampered form: Django's Indonesian said "Masukkan pilihan yang valid"."""
    response = client.post("/offices/surabaya/book/", _form(service="visa"), follow=True)

    assert sent_back(response)
    html = response.content.decode()
    assert _error(html, "service") == "Pilih salah satu pilihan yang tersedia: visa tidak termasuk di dalamnya."


def test_an_empty_lookup_says_where_to_find_the_code(client, db):
    html = client.post("/my-booking/", {"code": "", "nik": ""}, follow=True).content.decode()

    assert _error(html, "code") == (
        "Masukkan kode pendaftaran Anda: 8 karakter, tertera pada bukti pendaftaran dan di SMS dari kami."
    )
    assert "Isian ini wajib diisi" not in html


def test_a_reschedule_without_a_session_asks_for_one(client, pinned, surabaya):
    proof = _book(client)["Location"]
    other = (DATE + dt.timedelta(days=1)).isoformat()

    response = client.post(proof + f"reschedule/?date={other}", {"date": other})

    assert response.status_code == 400
    assert "Sesi: Pilih sesi." in _summary(response.content.decode())
    assert "Isian ini wajib diisi" not in response.content.decode()


@override_settings(RATELIMIT_LOOKUP_IP="100/m", RATELIMIT_LOOKUP_NIK="100/m", RATELIMIT_LOOKUP_CODE="2/h")
def test_a_refused_lookup_says_how_long_to_wait(client, pinned, surabaya):
    """The limit per code holds for up to an hour: "wait a moment" sent people back in vain."""
    for _ in range(2):
        client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK})

    response = client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK})

    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 60 < wait <= 3600
    minutes = -(-wait // 60)
    assert f"Terlalu banyak percobaan. Tunggu {minutes} menit, lalu coba lagi." in _summary(response.content.decode())


@override_settings(RATELIMIT_BOOKING_IP="1/m")
def test_a_refused_booking_says_how_long_to_wait(client, pinned, surabaya):
    _book(client)

    response = _book(client, nik="3578015708850002", birth_date="1985-08-17")

    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert "Tunggu 1 menit, lalu coba lagi." in _summary(response.content.decode())


def test_a_person_who_already_holds_a_booking_is_shown_the_way_to_it(client, pinned, surabaya):
    _book(client)

    response = _book(client, session="10:00", follow=True)

    html = response.content.decode()
    assert sent_back(response)
    assert re.search(r'<a class="button secondary" href="/my-booking/">Buka Pendaftaran saya</a>', html)


def test_a_cancelled_booking_offers_to_book_again(client, pinned, surabaya):
    proof = _book(client)["Location"]
    client.post(proof + "cancel/", {"confirm": "on"})

    html = client.get(proof).content.decode()

    assert '<a class="button secondary" href="/offices/surabaya/">Buat jadwal kedatangan baru</a>' in html


def test_a_confirmed_booking_does_not_offer_to_book_again(client, pinned, surabaya):
    proof = _book(client)["Location"]

    html = client.get(proof).content.decode()
    assert "Buat jadwal kedatangan baru" not in html
    assert "Unduh PDF" in html and "data-print" in html


def test_a_cancelled_booking_offers_no_proof_to_print_or_download(client, pinned, surabaya):
    """A printed proof of a cancelled booking would send the person to the office for nothing."""
    proof = _book(client)["Location"]
    client.post(proof + "cancel/", {"confirm": "on"})

    html = client.get(proof).content.decode()

    assert "Unduh PDF" not in html
    assert "data-print" not in html
    assert "/calendar.ics" not in html and ".ics" not in html
    # An event saved before cancelling stays in the person's calendar unless they delete it.
    assert "Jika Anda sudah menambahkan jadwal ini ke kalender, hapus di sana" in html


def test_the_proof_says_where_messages_about_the_booking_go(client, pinned, surabaya):
    proof = _book(client)["Location"]
    assert "Pesan tentang pendaftaran ini dikirim melalui SMS ke nomor berakhiran 7890." in _text(client.get(proof))

    Booking.objects.all().delete()
    with_email = _book(client, email="siti@example.org")["Location"]
    assert "ke nomor berakhiran 7890, dan melalui email." in _text(client.get(with_email))


def test_the_office_page_links_its_public_queue(client, pinned, surabaya):
    html = client.get("/offices/surabaya/").content.decode()

    assert '<a href="/offices/surabaya/queue/">Antrean hari ini di kantor ini</a>' in html


@pytest.fixture
def today_booking(pinned, surabaya):
    """A booking for today (made yesterday), checked in at 08:10."""
    slot = Slot.objects.filter(office=surabaya, date=TODAY, track="regular").order_by("start").first()
    applicant = applicant_upsert(
        nik=NIK, full_name="Siti Rahayu", birth_date=dt.date(1990, 5, 17), phone="081234567890", email=""
    )
    yesterday = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(9), tzinfo=WIB)
    result = booking_create(slot=slot, applicant=applicant, track="regular", service="new", now=yesterday)
    checkin_confirm(office=surabaya, booking=result.booking, now=dt.datetime.combine(TODAY, dt.time(8, 10), tzinfo=WIB))
    return result


def test_on_the_day_a_checked_in_applicant_is_told_to_wait_for_the_call(client, today_booking):
    proof = f"/b/{today_booking.booking.code}/{today_booking.token}/"

    page = _text(client.get(proof))
    live = client.get(proof + "queue.json").json()

    told = "Anda sudah check-in. Tunggu di ruang tunggu dan perhatikan layar sampai nomor Anda dipanggil."
    assert told in page and live["turn"] == told
    assert 'href="/offices/surabaya/queue/"' in client.get(proof).content.decode()


def test_on_the_day_a_called_applicant_is_told_which_counter_to_go_to(client, surabaya, today_booking):
    desk = counter_open(office=surabaya, name="Loket 3", now=dt.datetime.combine(TODAY, dt.time(8), tzinfo=WIB)).counter
    queue_call_next(office=surabaya, counter=desk, now=dt.datetime.combine(TODAY, dt.time(8, 30), tzinfo=WIB))
    proof = f"/b/{today_booking.booking.code}/{today_booking.token}/"

    html = client.get(proof).content.decode()
    live = client.get(proof + "queue.json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert re.search(r'data-field="turn"[^>]*>Nomor Anda sedang dipanggil: segera menuju Loket 3\.</p>', html)
    assert live["turn"] == "Your number is being called: go to Loket 3 now."


def test_before_check_in_the_turn_line_waits_hidden_for_the_live_refresh(client, pinned, surabaya):
    slot = Slot.objects.filter(office=surabaya, date=TODAY, track="regular").order_by("start").first()
    applicant = applicant_upsert(
        nik=NIK, full_name="Siti Rahayu", birth_date=dt.date(1990, 5, 17), phone="081234567890", email=""
    )
    yesterday = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(9), tzinfo=WIB)
    result = booking_create(slot=slot, applicant=applicant, track="regular", service="new", now=yesterday)

    html = client.get(f"/b/{result.booking.code}/{result.token}/").content.decode()

    assert re.search(r'<p class="queue-turn" data-field="turn" aria-live="polite" hidden></p>', html)


def test_moving_a_booking_says_a_saved_proof_shows_the_old_date(client, pinned, surabaya):
    proof = _book(client)["Location"]
    other = (DATE + dt.timedelta(days=1)).isoformat()
    page = client.get(proof + f"reschedule/?date={other}")
    before = "Bukti yang disimpan atau dicetak sebelum jadwal diubah menampilkan tanggal lama"
    assert before in _text(page)
    session = re.search(r'name="session" value="(\d+)"', page.content.decode()).group(1)

    moved = client.post(proof + f"reschedule/?date={other}", {"date": other, "session": session}, follow=True)

    again = "Unduh atau cetak lagi bukti ini: bukti yang disimpan sebelumnya masih menampilkan tanggal lama."
    assert again in _text(moved)


def test_cancelling_without_the_tick_says_so_in_our_words_in_the_error_summary(client, pinned, surabaya):
    """The box used to carry the browser's "required": its bubble spoke the browser's
    language and no summary listed it."""
    proof = _book(client)["Location"]

    asked = client.get(proof + "cancel/").content.decode()
    refused = client.post(proof + "cancel/", {}, follow=True)
    english = client.post(proof + "cancel/", {}, HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()

    box = re.search(r"<input [^>]*id=\"id_confirm\"[^>]*>", asked).group(0)
    assert "required" not in box and " novalidate " in asked
    html = refused.content.decode()
    assert refused.redirect_chain == [(proof + "cancel/?unticked=1", 303)]
    told = "Centang “Ya, batalkan pendaftaran ini” jika Anda yakin."
    assert _summary(html) == f" Mohon perbaiki hal berikut: {told} "
    assert '<a href="#id_confirm">' in html
    assert _error(html, "confirm") == told
    box = re.search(r"<input [^>]*id=\"id_confirm\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="id_confirm_error"' in box
    assert "Tick “Yes, cancel this booking” if you are sure." in _summary(english)
    assert Booking.objects.get().status == "confirmed"


def test_the_proof_says_when_a_message_could_not_be_sent_and_what_to_do(client, pinned, surabaya):
    from applicants.models import Notification

    proof = _book(client, email="siti@example.org")["Location"]
    quiet = _text(client.get(proof))
    assert "tidak dapat mengirim" not in quiet
    Notification.objects.filter(channel="sms").update(state=Notification.State.FAILED)

    page = client.get(proof)
    text = _text(page)

    assert "Kami tidak dapat mengirim SMS ke nomor berakhiran 7890." in text
    # The person can correct it themselves, from this page.
    assert "Jika nomor itu salah, ubahlah" in text
    assert f'<a href="{proof}contact/">ubahlah</a>' in page.content.decode()
    assert 'data-message-failed="email"' not in page.content.decode()
    Notification.objects.filter(channel="email").update(state=Notification.State.FAILED)
    client.cookies["django_language"] = "en"
    english = _text(client.get(proof))
    assert "We could not send you an SMS at the number ending in 7890." in english
    assert "We could not send you an email." in english


def test_a_message_sent_again_takes_the_warning_away(client, pinned, surabaya):
    from applicants.models import Notification

    proof = _book(client)["Location"]
    Notification.objects.update(state=Notification.State.FAILED)
    assert 'data-message-failed="sms"' in client.get(proof).content.decode()

    Notification.objects.update(state=Notification.State.SENT)

    assert "data-message-failed" not in client.get(proof).content.decode()


def test_a_cancelled_booking_has_nothing_to_keep_or_manage(client, pinned, surabaya):
    """No empty "Keep and manage" heading, and no warning that the link can change a booking
    it can no longer change."""
    proof = _book(client)["Location"]
    before = _text(client.get(proof))
    assert "Simpan dan kelola pendaftaran Anda" in before and "dapat melihat dan mengubah" in before
    client.post(proof + "cancel/", {"confirm": "on"})

    after = _text(client.get(proof))

    assert "Simpan dan kelola pendaftaran Anda" not in after
    assert "dapat melihat dan mengubah" not in after
    assert "Buat jadwal kedatangan baru" in after
