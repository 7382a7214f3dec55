"""An admin record's name (its page's title, the breadcrumbs, the "was added" message) reads in
the admin's language, with the booking's code and the moment on the office's clock, not
stored codes ("7200 confirmation by email (pending)") and UTC times."""

import datetime as dt

import pytest

from applicants.access_models import PersonalDataAccess
from applicants.models import Notification, QueueEvent
from offices.models import Closure
from tests.staff.conftest import at, make_booking, make_slots

pytestmark = pytest.mark.django_db

MOMENT = at(14, 15)  # 23 Nov 2026, 14.15 WIB (07:15 UTC)


@pytest.fixture
def booking(office):
    return make_booking(make_slots(office)[(dt.time(8), "regular")])


def title(admin_client, url: str, language: str) -> str:
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
    return html[html.index("<title>") + 7 : html.index("</title>")]


def test_a_message_is_named_by_its_booking_s_code_and_its_kind_channel_and_state_in_words(admin_client, booking):
    notification = Notification.objects.create(
        booking=booking, kind=Notification.Kind.CONFIRMATION, channel=Notification.Channel.EMAIL, dedupe_key="x"
    )
    url = f"/admin/applicants/notification/{notification.pk}/change/"

    assert title(admin_client, url, "id").startswith(
        f"{booking.code}: Pendaftaran terkonfirmasi, Email (Menunggu dikirim)"
    )
    assert title(admin_client, url, "en").startswith(f"{booking.code}: Booking confirmed, Email (Waiting to be sent)")


def test_a_queue_event_is_named_in_words_on_the_office_s_clock(admin_client, office, booking):
    event = QueueEvent.objects.create(
        office=office, date=MOMENT.date(), booking=booking, action=QueueEvent.Action.SERVED, at=MOMENT
    )
    url = f"/admin/applicants/queueevent/{event.pk}/change/"

    assert title(admin_client, url, "id").startswith(f"{booking.code}: Selesai dilayani, 23 Nov. 2026, 14.15 WIB")
    assert title(admin_client, url, "en").startswith(f"{booking.code}: Served, 23 Nov 2026, 14:15 WIB")


def test_a_personal_data_access_is_named_in_words_on_the_office_s_clock(admin_client, office, booking):
    access = PersonalDataAccess.objects.create(
        at=MOMENT,
        actor_username="petugas.surabaya",
        office=office,
        action=PersonalDataAccess.Action.PROOF_PRINT,
        channel=PersonalDataAccess.Channel.DESK,
        booking=booking,
    )
    url = f"/admin/applicants/personaldataaccess/{access.pk}/change/"

    assert title(admin_client, url, "id").startswith(
        "petugas.surabaya: Bukti pendaftaran dicetak, 23 Nov. 2026, 14.15 WIB"
    )
    assert title(admin_client, url, "en").startswith("petugas.surabaya: Proof printed, 23 Nov 2026, 14:15 WIB")


def test_a_closure_is_named_by_its_date_as_the_admin_writes_dates(admin_client, office):
    closure = Closure.objects.create(office=office, date=dt.date(2026, 12, 15), kind="local", reason="Banjir")
    url = f"/admin/offices/closure/{closure.pk}/change/"

    assert title(admin_client, url, "id").startswith("15 Des. 2026 Banjir")
    assert title(admin_client, url, "en").startswith("15 Dec 2026 Banjir")
