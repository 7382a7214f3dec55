"""An officer's morning in Chromium: sign in, check a booking in by typing its code,
call it from the counter screen, and see it on the display board in a second browser."""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import BookingStatus
from offices.models import OfficeMembership, Slot, Track
from tests import factories
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TV = {"width": 1280, "height": 720}
# The board polls every 1.5 s; a call must show within 2 s of the poll that follows it.
BOARD_DEADLINE_MS = 3_500


@pytest.fixture
def office_day(transactional_db, time_machine):
    """Today at 09:00 in the office (real date, so cookies are not born expired)."""
    office = factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    today = timezone.now().astimezone(office.tz).date()
    time_machine.move_to(dt.datetime.combine(today, dt.time(9, 0), tzinfo=office.tz), tick=True)
    slot = Slot.objects.create(
        office=office, date=today, start=dt.time(8), end=dt.time(12), track=Track.REGULAR, capacity=40
    )
    officer = factories.StaffFactory(username="petugas.surabaya", membership__office=office)
    booking = make_booking(slot, name="Dewi Lestari")
    return office, officer, booking


def _serious_violations(page) -> list[dict]:
    # Evaluated by the test driver, not added as an inline <script>: the pages'
    # Content-Security-Policy blocks inline scripts, as it should.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_officer_checks_in_and_the_board_shows_the_called_number(browser, live_server, page, screenshot, office_day):
    office, officer, booking = office_day

    # Sign in; one office, so straight to its check-in page.
    page.goto("/staff/login/")
    page.get_by_label("Nama pengguna").fill(officer.username)
    page.get_by_label("Kata sandi").fill("correct-horse-battery")
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{live_server.url}/staff/{office.code}/checkin/")

    # Type the code (lower case, as people do) and look it up.
    page.locator("#id_code").fill(booking.code.lower())
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("applicant-name")).to_have_text("Dewi Lestari")
    assert _serious_violations(page) == []
    screenshot("checkin-preview")
    page.get_by_test_id("confirm-checkin").click()
    expect(page.get_by_test_id("queue-number")).to_have_text("A-001")
    screenshot("checkin-number")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN

    # The TV: a second browser, no login, the office's secret link.
    tv_context = browser.new_context(viewport=TV, base_url=live_server.url, locale="id-ID")
    try:
        board = tv_context.new_page()
        board.goto(f"/display/{office.display_token}/")
        expect(board.locator("[data-latest-number]")).to_have_text("–")
        board.evaluate("window.__sameDocument = true")

        # The counter screen: open Loket 1 and call the next person.
        page.goto(f"/staff/{office.code}/counter/")
        page.locator("#id_name").fill("Loket 1")
        page.get_by_role("button", name="Buka").click()
        page.get_by_test_id("call-next").click()
        expect(page.get_by_test_id("current-number")).to_have_text("A-001")
        called_at = time.monotonic()

        expect(board.locator("[data-latest-number]")).to_have_text("A-001", timeout=BOARD_DEADLINE_MS)
        shown_after = time.monotonic() - called_at
        screenshot("counter-calling")
        expect(board.locator("[data-latest-counter]")).to_have_text("Loket 1")
        assert board.evaluate("window.__sameDocument === true"), "the board reloaded instead of updating"
        assert "Dewi" not in board.content()
        assert _serious_violations(board) == []
        screenshot("display-board", target=board)
        print(f"board showed the call {shown_after:.2f} s after the counter screen")
    finally:
        tv_context.close()
    assert page.js_errors == []


def _qr_video(text: str, path: Path, width: int = 640, height: int = 480) -> Path:
    """A Y4M clip of the QR, for Chromium's fake camera (grey frames: Y plane only matters)."""
    import segno

    matrix = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=1, border=4)]
    scale = min(width, height) // len(matrix)
    left, top = (width - len(matrix) * scale) // 2, (height - len(matrix) * scale) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * width + left + x * scale
                    luma[start : start + scale] = b"\x00" * scale
    chroma = b"\x80" * (width * height // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 5)
    return path


def test_the_camera_scanner_reads_the_proofs_qr(_playwright, live_server, office_day, tmp_path, screenshot):
    from applicants.proof import proof_payload
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    office, officer, booking = office_day
    video = _qr_video(proof_payload(booking), tmp_path / "qr.y4m")
    camera_browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(
            viewport=PHONE, base_url=live_server.url, locale="id-ID", permissions=["camera"]
        )
        page = context.new_page()
        page.goto("/staff/login/")
        page.locator("#id_username").fill(officer.username)
        page.locator("#id_password").fill("correct-horse-battery")
        page.locator("form.form button[type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/staff/{office.code}/checkin/")

        page.get_by_role("button", name="Pindai QR dengan kamera").click()

        expect(page.get_by_test_id("applicant-name")).to_have_text("Dewi Lestari", timeout=15_000)
        screenshot("scanned", target=page)
    finally:
        camera_browser.close()


def test_the_counter_screen_shows_new_arrivals_without_a_reload(live_server, page, screenshot, office_day, settings):
    settings.STAFF_LIVE_REFRESH_SECONDS = 0.5
    office, officer, booking = office_day
    page.goto("/staff/login/")
    page.get_by_label("Nama pengguna").fill(officer.username)
    page.get_by_label("Kata sandi").fill("correct-horse-battery")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"/staff/{office.code}/counter/")
    page.locator("#id_name").fill("Loket 1")
    page.get_by_role("button", name="Buka").click()
    expect(page.get_by_test_id("waiting-count")).to_have_text("0")
    page.evaluate("window.__sameDocument = true")

    # Someone checks in at the desk, in another browser: this screen is not touched.
    from applicants.services.checkin import checkin_confirm

    checkin_confirm(office=office, booking=booking, now=timezone.now())

    expect(page.get_by_test_id("waiting-count")).to_have_text("1", timeout=5_000)
    assert page.evaluate("window.__sameDocument === true"), "the screen reloaded instead of updating"
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).to_have_text("A-001")
    screenshot("counter-live")
    assert page.js_errors == []


def test_a_supervisor_records_yesterday_on_paper_after_the_system_was_down(live_server, page, screenshot, office_day):
    """The system was out all of yesterday afternoon and the day's end made everyone a
    no-show; this morning the supervisor ticks, on yesterday's list, who was served."""
    from applicants.services.dayend import day_end

    office, _officer, _booking = office_day
    yesterday = timezone.localdate(timezone.now(), office.tz) - dt.timedelta(days=1)
    slot = Slot.objects.create(
        office=office, date=yesterday, start=dt.time(8), end=dt.time(12), track=Track.REGULAR, capacity=40
    )
    served, absent = make_booking(slot, name="Rina Kertas"), make_booking(slot, name="Tono Absen")
    day_end(office_id=office.id, date=yesterday, now=dt.datetime.combine(yesterday, dt.time(17), tzinfo=office.tz))
    supervisor = factories.StaffFactory(
        username="supervisor.surabaya", membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR
    )

    page.goto("/staff/login/")
    page.get_by_label("Nama pengguna").fill(supervisor.username)
    page.get_by_label("Kata sandi").fill("correct-horse-battery")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"/staff/{office.code}/list/?date={yesterday.isoformat()}")
    expect(page.get_by_text("Hari layanan ini sudah berakhir")).to_be_visible()
    page.get_by_label(f"{served.code} dilayani secara manual").check()
    assert _serious_violations(page) == []
    screenshot("paper-ticked")
    page.get_by_role("button", name="Catat yang dicentang sebagai selesai dilayani").click()

    expect(page.get_by_text("1 orang dicatat telah dilayani secara manual.")).to_be_visible()
    screenshot("paper-recorded")
    served.refresh_from_db()
    absent.refresh_from_db()
    assert (served.status, absent.status) == (BookingStatus.SERVED, BookingStatus.NO_SHOW)
    assert page.js_errors == []
