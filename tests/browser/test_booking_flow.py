"""The applicant's paths through the real pages, in Chromium at a phone's size (360 x 740)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import Booking, BookingStatus, BookingTransition, QueueEvent
from applicants.services.allocation import waiting_allocate
from offices.models import Slot
from offices.timeutils import office_today
from tests.browser.public_data import NIK, bookable_weekday, booking_for, offices_with_sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_applicant(page, *, nik: str = NIK) -> None:
    page.fill("#id_full_name", "Siti Rahayu")
    page.fill("#id_nik", nik)
    page.fill("#id_birth_date_0", "17")
    page.fill("#id_birth_date_1", "5")
    page.fill("#id_birth_date_2", "1990")
    page.fill("#id_phone", "0812 3456 7890")


def _continue_and_confirm(page) -> None:
    page.locator("form.form button[type=submit]").last.click()
    expect(page.locator("button[value=confirm]")).to_be_visible()
    page.click("button[value=confirm]")
    # A fragment from an error summary's link may ride along through the redirect.
    page.wait_for_url(re.compile(r"/b/[A-Z0-9]{8}/[^/#]+/(#.*)?$"))


def test_book_a_place_then_open_the_proof_and_its_pdf(page, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])

    page.goto("/")
    page.fill("#office-q", "surabaya")
    page.locator("form[role=search] button[type=submit]").click()
    page.click('a[href="/offices/surabaya/"]')
    page.click(f'td[data-date="{date.isoformat()}"] a')
    expect(page.locator("#day")).to_be_visible()
    page.locator('#day a[href*="session=08:00"][href*="track=regular"]').click()
    expect(page.locator("#id_session_0")).to_be_checked()
    _fill_applicant(page)
    page.check("input[name=service][value=renewal]")
    _continue_and_confirm(page)

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED and booking.date == date
    expect(page.locator("[data-booking-code]")).to_have_text(booking.code)
    expect(page.locator(".proof-qr svg")).to_be_visible()
    expect(page.locator(f'[data-booking-date="{date.isoformat()}"]')).to_be_visible()
    assert NIK not in page.content() and NIK not in page.url
    screenshot("proof")

    pdf_link = page.locator('a[href$="proof.pdf"]')
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-") and len(pdf.body()) > 1000
    assert "no-store" in pdf.headers["cache-control"]
    page.goto(pdf_link.get_attribute("href").replace("proof.pdf", ""))
    page.emulate_media(media="print")
    screenshot("proof-print")
    assert not page.locator(".site-header").is_visible()


def test_back_from_the_proof_shows_a_page_not_a_resubmission_prompt(page, screenshot):
    """The review page was the answer to a POST: Back from the proof met Chrome's
    "Confirm Form Resubmission" (net::ERR_CACHE_MISS). Now it is a page of its own, which
    says the booking is made and leads to its proof, without booking again."""
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
    _fill_applicant(page)
    _continue_and_confirm(page)
    proof = page.url

    back = page.go_back()

    assert back is not None and back.status == 200
    assert page.url.endswith("/offices/surabaya/book/review/")
    expect(page.locator("h1")).to_have_text("Pendaftaran Anda sudah dibuat")
    assert "ERR_CACHE_MISS" not in page.content()
    screenshot("back-from-proof")
    page.get_by_role("link", name="Buka bukti pendaftaran Anda").click()
    page.wait_for_url(proof)
    assert Booking.objects.count() == 1
    assert page.js_errors == []


def test_back_after_a_form_sent_with_a_mistake_shows_pages_not_a_resubmission_prompt(page, screenshot):
    """The form sent with a mistake was the answer to a POST: corrected and booked, Back
    from the proof and Back again met "Confirm Form Resubmission" (net::ERR_CACHE_MISS).
    Now the mistake comes back on the form by a GET, the same errors focused."""
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
    _fill_applicant(page, nik="3578")
    page.locator("form.form button[type=submit]").last.click()

    page.wait_for_url(re.compile(r"/offices/surabaya/book/\?date=[\d-]+&change=1$"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a[href='#id_nik']")).to_be_visible()
    expect(page.locator("#id_nik")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_nik")).to_have_value("3578")
    expect(page.locator("#id_full_name")).to_have_value("Siti Rahayu")
    expect(page.locator("#id_birth_date_1")).to_have_value("5")
    screenshot("form-sent-back-with-a-mistake")
    page.fill("#id_nik", NIK)
    _continue_and_confirm(page)
    proof = page.url

    for expected in ("/offices/surabaya/book/review/", "&change=1"):
        back = page.go_back()
        assert back is not None and back.status == 200
        assert page.url.endswith(expected)
        assert "ERR_CACHE_MISS" not in page.content()
        expect(page.locator("h1")).to_have_text("Pendaftaran Anda sudah dibuat")
    screenshot("back-to-the-corrected-form")
    page.get_by_role("link", name="Buka bukti pendaftaran Anda").click()
    page.wait_for_url(proof)
    assert Booking.objects.count() == 1
    assert page.js_errors == []


def test_a_mistake_comes_back_on_the_form_without_javascript(browser, live_server, viewport, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    context = browser.new_context(viewport=viewport, java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
        _fill_applicant(page)
        page.fill("#id_phone", "12")
        page.locator("form.form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"&change=1$"))
        expect(page.locator("#id_phone_error")).to_be_visible()
        expect(page.locator("#id_nik")).to_have_value(NIK)
        page.fill("#id_phone", "0812 3456 7890")
        _continue_and_confirm(page)
        expect(page.locator("[data-booking-code]")).to_have_text(Booking.objects.get().code)
    finally:
        context.close()


def test_the_core_booking_path_works_without_javascript(browser, live_server, viewport, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    context = browser.new_context(viewport=viewport, java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(f"/offices/surabaya/?date={date.isoformat()}")
        page.locator('#day a[href*="session=10:00"][href*="track=regular"]').click()
        _fill_applicant(page)
        _continue_and_confirm(page)
        expect(page.locator("[data-booking-code]")).to_have_text(Booking.objects.get().code)
        screenshot("proof-without-js", target=page)
    finally:
        context.close()


def test_book_with_the_date_of_birth_typed_as_day_month_and_year(page, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
    group = page.get_by_role("group", name="Tanggal lahir")
    expect(group.get_by_text("Misalnya 17 8 1990")).to_be_visible()
    page.fill("#id_full_name", "Siti Rahayu")
    page.fill("#id_nik", NIK)
    group.get_by_label("Tanggal", exact=True).fill("17")
    group.get_by_label("Tahun").fill("1990")
    page.fill("#id_phone", "0812 3456 7890")
    page.locator("form.form button[type=submit]").last.click()

    # Only the month is asked for; what was typed stays, and the summary leads to the month.
    expect(page.locator("#id_birth_date_error")).to_contain_text("Tanggal lahir belum lengkap: isi bulannya.")
    expect(page.locator("#id_birth_date_0")).to_have_value("17")
    expect(page.locator("#id_birth_date_2")).to_have_value("1990")
    expect(page.locator("#id_birth_date_1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_birth_date_0")).not_to_have_attribute("aria-invalid", "true")
    boxes = [page.locator(f"#id_birth_date_{n}").bounding_box() for n in range(3)]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]  # side by side at 360 px
    assert all(box["height"] >= 44 for box in boxes)
    screenshot("birth-date-error")
    page.locator('[data-error-summary] a[href="#id_birth_date_1"]').click()
    expect(page.locator("#id_birth_date_1")).to_be_focused()
    page.keyboard.type("5")
    _continue_and_confirm(page)

    assert Booking.objects.get().applicant.birth_date == dt.date(1990, 5, 17)


def test_a_full_day_puts_me_on_the_next_available_date(page, screenshot):
    full = bookable_weekday()
    offices = offices_with_sessions(full_dates=(full,))
    next_free = full + dt.timedelta(days=1)
    while next_free.weekday() > 4:
        next_free += dt.timedelta(days=1)

    page.goto("/offices/surabaya/")
    expect(page.locator(f'td[data-date="{full.isoformat()}"]')).to_have_attribute("data-state", "full")
    page.click(f'td[data-date="{full.isoformat()}"] a')
    expect(page.locator("#day .badge")).to_be_visible()
    screenshot("full-day")
    page.locator("#day a[href*='if_full=next_available']").click()
    expect(page.locator("input[name=if_full][value=next_available]")).to_be_checked()
    page.check("#id_session_0")
    _fill_applicant(page)
    _continue_and_confirm(page)

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.WAITING
    expect(page.locator(".status-banner")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "waiting")
    screenshot("waiting")

    # The allocation worker's job, run here instead of by a Celery worker.
    waiting_allocate(office_id=offices["surabaya"].id, now=timezone.now())
    page.reload()

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.date == next_free
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    expect(page.locator(f'[data-booking-date="{next_free.isoformat()}"]')).to_be_visible()
    expect(page.locator(".status-banner")).to_contain_text(str(next_free.day))
    screenshot("moved")


def test_find_my_booking_by_code_and_nik_then_cancel_it(page, screenshot):
    offices = offices_with_sessions()
    result = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"], after=4))

    page.goto("/")
    page.click("nav a[href='/my-booking/']")
    page.fill("#id_code", result.booking.code.lower())
    page.fill("#id_nik", NIK)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/b/{result.booking.code}/**")
    assert NIK not in page.url
    expect(page.locator("[data-booking-code]")).to_have_text(result.booking.code)

    page.click("a[href$='/cancel/']")
    page.check("#id_confirm")
    screenshot("cancel-confirm")
    page.locator("button.danger").click()
    # A fragment from an error summary's link may ride along through the redirect.
    page.wait_for_url(re.compile(r"/b/[A-Z0-9]{8}/[^/#]+/(#.*)?$"))

    expect(page.locator("[data-status]")).to_have_attribute("data-status", "cancelled")
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    screenshot("cancelled")


def test_back_after_a_mistyped_look_up_and_an_unticked_cancel_shows_pages_not_resubmission_prompts(page, screenshot):
    """A refused look-up and a cancel sent unticked were the answers to POSTs: once the
    booking was found and cancelled, Back met "Confirm Form Resubmission" (ERR_CACHE_MISS)."""
    offices = offices_with_sessions()
    result = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"], after=4))
    code = result.booking.code
    page.goto("/my-booking/")
    page.fill("#id_code", "ZZZZZZZZ")
    page.fill("#id_nik", NIK)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/my-booking/?again=1")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_nik")).to_have_value(NIK)
    screenshot("look-up-refused")
    page.fill("#id_code", code)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/b/{code}/**")
    page.click("a[href$='/cancel/']")
    page.locator("button.danger").click()
    page.wait_for_url("**/cancel/?unticked=1")
    expect(page.locator("#id_confirm")).to_have_attribute("aria-invalid", "true")
    page.check("#id_confirm")
    page.locator("button.danger").click()
    page.wait_for_url(re.compile(r"/b/[A-Z0-9]{8}/[^/#]+/(#.*)?$"))

    for expected in ("/cancel/?unticked=1", "/cancel/", f"/b/{code}/{result.token}/", "/my-booking/?again=1"):
        back = page.go_back()
        assert back is not None and back.status == 200
        assert page.url.endswith(expected) and "ERR_CACHE_MISS" not in page.content()
    # Found since, the look-up reached by Back no longer shows what was typed.
    expect(page.locator("#id_nik")).to_have_value("")
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert page.js_errors == []


def test_renew_my_secret_link_then_only_the_new_one_opens_the_booking(page, screenshot):
    offices = offices_with_sessions()
    result = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"], after=4))
    old = f"/b/{result.booking.code}/{result.token}/"
    page.goto(old)

    page.get_by_role("link", name="Ganti tautan rahasia").click()
    expect(page.locator("h1")).to_have_text("Ganti tautan rahasia")
    screenshot("renew-explained")
    page.locator("form[data-submit-once] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/b/{result.booking.code}/(?!{re.escape(result.token)}/)[^/]+/$"))

    box = page.locator("section[aria-labelledby=renewed-heading]")
    expect(box).to_be_visible()
    expect(box.locator(".secret-link")).to_contain_text(page.url.split("://", 1)[1].split("/", 1)[1])
    expect(page.locator("[data-booking-code]")).to_have_text(result.booking.code)
    expect(page.locator(".proof-qr svg")).to_be_visible()
    assert BookingTransition.objects.filter(reason="token_renewed").count() == 1
    screenshot("renewed")
    assert page.goto(old).status == 404
    assert page.js_errors == []


def test_change_my_phone_number_from_the_proof_page(page, screenshot):
    offices = offices_with_sessions()
    result = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"], after=4))
    proof = f"/b/{result.booking.code}/{result.token}/"
    page.goto(proof)

    page.get_by_role("link", name="Ubah nomor ponsel atau email").click()
    expect(page.locator("h1")).to_have_text("Ubah nomor ponsel atau email")
    expect(page.locator("[data-current=phone]")).to_have_text("\u2022\u2022\u20227890")
    page.get_by_label("Nomor ponsel baru").fill("12345")
    page.locator("form.form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    screenshot("contact-error")

    page.get_by_label("Nomor ponsel baru").fill("0813 1111 2222")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{re.escape(proof)}$"))
    expect(page.locator("[data-contact]")).to_contain_text("2222")
    screenshot("contact-changed")
    assert BookingTransition.objects.filter(reason="contact_changed").count() == 1
    assert page.js_errors == []


def test_a_second_tap_on_renew_sends_nothing(page):
    """A second request would carry the link the first one ended, and answer 404."""
    offices = offices_with_sessions()
    result = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"], after=4))
    page.goto(f"/b/{result.booking.code}/{result.token}/renew-link/")
    # Count the submissions that would leave the page, and keep the page where it is.
    page.evaluate(
        """() => {
          window.formsSent = 0;
          window.addEventListener("submit", (event) => {
            if (!event.defaultPrevented) window.formsSent += 1;
            event.preventDefault();
          });
        }"""
    )
    button = page.locator("form[data-submit-once] button[type=submit]")

    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text("Mengirim…")
    button.click(force=True)
    page.locator("form[data-submit-once]").evaluate("form => form.requestSubmit()")

    assert page.evaluate("window.formsSent") == 1
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()


def test_switch_language_to_english_and_back(page, screenshot):
    offices_with_sessions()

    page.goto("/offices/surabaya/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h2#calendar-heading")).to_have_text("Pilih tanggal")
    page.click("button.lang-button[value=en]")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/offices/surabaya/")
    expect(page.locator("h2#calendar-heading")).to_have_text("Choose a date")
    expect(page.locator("table.calendar thead th").first).to_have_text("Mon")
    screenshot("english")
    page.click("button.lang-button[value=id]")
    expect(page.locator("h2#calendar-heading")).to_have_text("Pilih tanggal")


def test_switching_language_while_booking_keeps_what_was_typed(page, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
    _fill_applicant(page)

    page.click("button.lang-button[value=en]")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Book an appointment")
    expect(page.locator("#id_full_name")).to_have_value("Siti Rahayu")
    expect(page.locator("#id_nik")).to_have_value(NIK)
    expect(page.locator("#id_phone")).to_have_value("0812 3456 7890")
    expect(page.locator("#id_session_0")).to_be_checked()
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    screenshot("language-switched-on-the-form")

    page.press("#id_phone", "Enter")  # Enter still means "Continue", not a language
    expect(page.locator("button[value=confirm]")).to_have_text("Confirm booking")
    page.click("button.lang-button[value=id]")
    expect(page.locator("button[value=confirm]")).to_have_text("Konfirmasi pendaftaran")
    expect(page.locator("dl.facts")).to_contain_text("Siti Rahayu")
    page.click("button[value=confirm]")
    page.wait_for_url(re.compile(r"/b/[A-Z0-9]{8}/[^/#]+/(#.*)?$"))
    assert Booking.objects.count() == 1


def test_a_bad_nik_shows_its_error_beside_the_field(page, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])

    page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
    _fill_applicant(page, nik="35780117059")
    page.locator("form.form button[type=submit]").last.click()

    error = page.locator("#id_nik_error")
    expect(error).to_be_visible()
    nik_input = page.locator("#id_nik")
    expect(nik_input).to_have_attribute("aria-invalid", "true")
    assert "id_nik_error" in nik_input.get_attribute("aria-describedby")
    # Beside the field: between its label and the input, and nowhere near another field.
    label_box = page.locator("label[for=id_nik]").bounding_box()
    error_box, input_box = error.bounding_box(), nik_input.bounding_box()
    assert label_box["y"] < error_box["y"] < input_box["y"]
    assert input_box["y"] - (error_box["y"] + error_box["height"]) < 40
    # The summary at the top is announced and takes the focus.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert not Booking.objects.exists()
    screenshot("bad-nik")


def _session_today(office) -> tuple[dt.date, Slot]:
    """The office's day and its 08:00 regular session, for a booking moved to today."""
    today = office_today(office, timezone.now())
    slot, _ = Slot.objects.get_or_create(
        office=office,
        date=today,
        start=dt.time(8, 0),
        track="regular",
        defaults={"end": dt.time(10, 0), "capacity": 20},
    )
    return today, slot


def test_on_the_day_the_proof_follows_the_queue_without_reload(page, screenshot):
    office = offices_with_sessions()["surabaya"]
    today, today_slot = _session_today(office)
    later = bookable_weekday(office, after=4)
    first = booking_for(office, later, nik="3578015203850002", birth_date=dt.date(1985, 3, 12)).booking
    mine = booking_for(office, later)
    now = timezone.now()
    for seq, booking in enumerate((first, mine.booking), start=1):
        Booking.objects.filter(id=booking.id).update(
            slot=today_slot,
            date=today,
            requested_date=today,
            status=BookingStatus.CHECKED_IN,
            queue_number=f"A-{seq:03d}",
            queue_seq=seq,
            checked_in_at=now,
            queued_at=now + dt.timedelta(seconds=seq),
        )

    page.goto(f"/b/{mine.booking.code}/{mine.token}/")
    live = page.locator("[data-queue-url]")
    expect(live.locator("[data-field=queue_number]")).to_have_text("A-002")
    expect(live.locator("[data-field=ahead]")).to_have_text("1")
    expect(live.locator("[data-field=now_serving]")).to_have_text("–")

    # Staff call the person ahead; the page picks it up on its next refresh.
    Booking.objects.filter(id=first.id).update(status=BookingStatus.CALLED, called_at=now)
    QueueEvent.objects.create(office=office, date=today, booking=first, action=QueueEvent.Action.CALLED, at=now)
    url_before = page.url
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    expect(live.locator("[data-field=now_serving]")).to_have_text("A-001")
    expect(live.locator("[data-field=ahead]")).to_have_text("0")
    assert page.url == url_before
    screenshot("live-queue")


def test_when_my_number_is_called_the_whole_proof_says_so(page, screenshot):
    """The numbers and the line "go to the counter" changed by themselves, but the banner
    and the facts kept saying "Checked in" until a reload."""
    office = offices_with_sessions()["surabaya"]
    today, today_slot = _session_today(office)
    mine = booking_for(office, bookable_weekday(office, after=4))
    now = timezone.now()
    Booking.objects.filter(id=mine.booking.id).update(
        slot=today_slot,
        date=today,
        requested_date=today,
        status=BookingStatus.CHECKED_IN,
        queue_number="A-001",
        queue_seq=1,
        checked_in_at=now,
        queued_at=now,
    )
    page.goto(f"/b/{mine.booking.code}/{mine.token}/")
    expect(page.locator(".status-banner")).to_contain_text("Sudah check-in")

    Booking.objects.filter(id=mine.booking.id).update(status=BookingStatus.CALLED, called_at=now)
    QueueEvent.objects.create(office=office, date=today, booking=mine.booking, action=QueueEvent.Action.CALLED, at=now)
    with page.expect_navigation():
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    expect(page.locator(".status-banner")).to_contain_text("Dipanggil")
    expect(page.locator("dd[data-status]")).to_have_text("Dipanggil")
    expect(page.locator("[data-field=turn]")).to_contain_text("Nomor Anda sedang dipanggil")
    screenshot("called")


def test_offices_near_me_uses_the_browsers_location(browser, live_server, viewport, screenshot):
    offices_with_sessions()
    context = browser.new_context(
        viewport=viewport,
        base_url=live_server.url,
        geolocation={"latitude": -5.15, "longitude": 119.42},  # Makassar
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.click("[data-near-me] button")
        page.wait_for_url(re.compile(r"\?lat=-5\.1500&lon=119\.4200$"))

        names = page.locator(".office-name a").all_text_contents()
        assert names[0] == "Kantor Imigrasi Kelas I TPI Makassar"
        assert len(names) == 3
        screenshot("near-me", target=page)
    finally:
        context.close()


@pytest.mark.parametrize(
    "email",
    ["dewi.lestari.wulandari95@gmail.com", "sri.rahayuningsih.kusumawardhani.purbaningrum.1987@pemkab-sidoarjo.go.id"],
)
def test_the_review_page_fits_a_phone_with_a_long_email(page, email, screenshot):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])

    page.goto(f"/offices/surabaya/book/?date={date.isoformat()}&session=08:00&track=regular")
    _fill_applicant(page)
    page.fill("#id_email", email)
    page.locator("form.form button[type=submit]").last.click()
    expect(page.locator("button[value=confirm]")).to_be_visible()

    expect(page.locator("dl.facts")).to_contain_text(email)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot("review-long-email")


def test_a_reschedule_without_a_session_puts_the_focus_on_the_error_summary(page, screenshot):
    offices = offices_with_sessions()
    result = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"], after=4))

    page.goto(f"/b/{result.booking.code}/{result.token}/reschedule/")
    page.locator(".alternatives a").first.click()
    expect(page.locator("#sessions")).to_be_visible()
    page.locator("form.form button[type=submit]").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    screenshot("reschedule-error")
