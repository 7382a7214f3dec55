"""Staff API: check-in, the counters, walk-ins. The public queue reads are in
``applicants.api.queue``.

Session authentication with CSRF (the staff pages' own login). Every staff endpoint
is limited to the offices the user belongs to: another office's answer is 403
``not_office_staff``, the same rule as the pages (``applicants.staff_access``). An
answer that names a person records that staff read (``applicants.services.access_log``).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from applicants.api.booking_docs import error_response
from applicants.api.booking_serializers import PERSONAL_DATA_ERASED_ON_HELP, ApplicantInput
from applicants.api.guards import NotStored
from applicants.exceptions_staff import (
    BookingNotFoundForStaff,
    InvalidCounterName,
    NotOfficeStaff,
    OfficeRequired,
    SupervisorOnly,
    WalkinAlreadyQueued,
)
from applicants.models import Booking, PriorityGroup, Service
from applicants.services.access_log import Action, Channel, personal_data_access_record
from applicants.services.checkin import checkin_confirm, checkin_find, checkin_preview
from applicants.services.queue import (
    counter_get,
    counter_name_clean,
    counter_open,
    counters_in_order,
    queue_call_next,
    queue_missed,
    queue_recall,
    queue_served,
)
from applicants.services.walkin import walkin_register
from applicants.staff_access import staff_offices, staff_require
from offices.models import Office, OfficeMembership, Slot, Track
from offices.selectors import office_get
from offices.timeutils import office_today
from queue_booking.api_errors import ErrorOutput
from queue_booking.api_views import ApiView


class IsOfficeStaff(BasePermission):
    """Signed in, and a member of the office the view acts on (``view.get_office()``)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if not hasattr(view, request.method.lower()):
            # A method the view does not answer: DRF's 405, not a 400 about the body that
            # finding the office would have read.
            return True
        office = view.get_office()
        role = staff_require(user, office, supervisor=getattr(view, "supervisor_only", False))
        request.staff_role = role
        return True


class ApplicantOutSerializer(serializers.Serializer):
    full_name = serializers.CharField(allow_blank=True, help_text="Empty once the personal data is erased.")
    nik_masked = serializers.CharField(allow_blank=True, help_text="Empty once the personal data is erased.")
    personal_data_erased_on = serializers.DateField(
        source="erased_on", allow_null=True, read_only=True, help_text=PERSONAL_DATA_ERASED_ON_HELP
    )


class SessionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    start = serializers.TimeField(format="%H:%M")
    end = serializers.TimeField(format="%H:%M")


class StaffBookingSerializer(serializers.Serializer):
    """A booking as staff at its office see it: name and masked NIK, never the NIK."""

    code = serializers.CharField()
    status = serializers.CharField()
    office = serializers.CharField(source="office.code")
    queue_number = serializers.CharField(allow_null=True)
    track = serializers.CharField()
    service = serializers.CharField()
    channel = serializers.CharField()
    priority_group = serializers.CharField(allow_blank=True)
    missed_count = serializers.IntegerField()
    counter = serializers.CharField(source="counter.name", allow_null=True, default=None)
    applicant = ApplicantOutSerializer()
    session = serializers.SerializerMethodField()

    @extend_schema_field(SessionOutSerializer(allow_null=True))
    def get_session(self, booking: Booking) -> dict | None:
        if booking.slot_id is None:
            return None
        return SessionOutSerializer(booking.slot).data

    def to_representation(self, booking):
        data = super().to_representation(booking)
        data["queue_number"] = booking.queue_number or None
        return data


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class CheckinInSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="Typed booking code.")
    qr = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text="Scanned QR text.")
    office = serializers.SlugField(
        required=False, help_text="Office code; needed only when the user works at more than one office."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only look: report the booking and its flags, give no number."
    )
    allow_late = serializers.BooleanField(default=False, help_text="Supervisors: let a late arrival in.")

    def validate(self, attrs):
        if not (attrs.get("code") or "").strip() and not (attrs.get("qr") or "").strip():
            raise serializers.ValidationError({"code": [_("Give the booking code or the scanned QR text.")]})
        return attrs


class CheckinOutSerializer(StaffBookingSerializer):
    created = serializers.BooleanField(help_text="False when the booking was already checked in.")
    flags = serializers.ListField(child=serializers.CharField())
    problems = ProblemSerializer(many=True)


def _checkin_data(booking: Booking, *, created: bool, flags: list[str], problems=()) -> dict:
    data = StaffBookingSerializer(booking).data
    data["created"] = created
    data["flags"] = flags
    data["problems"] = [{"code": p.code, "detail": p.detail} for p in problems]
    return data


def _record(request, office: Office, booking: Booking, action: str, now) -> None:
    personal_data_access_record(
        actor=request.user, office=office, action=action, channel=Channel.API, now=now, booking=booking
    )


def _request_office(request, code: str | None) -> Office:
    if code:
        return office_get(code=code)
    offices = list(staff_offices(request.user)[:2])
    if len(offices) == 1:
        return offices[0]
    if not offices:
        raise NotOfficeStaff()
    raise OfficeRequired(fields={"office": [str(OfficeRequired.message)]})


# Each status's codes, as a client reads them (``queue_booking.api_schema`` adds those
# from around the view: `not_authenticated`, `csrf_failed`, `not_found`, ...).
NOT_STAFF = error_response("Not on the staff of this office.", "not_office_staff")
OFFICE_NOT_FOUND = error_response("The office in the address does not exist.", "office_not_found")


class CheckinView(NotStored, ApiView):
    """Check a booking in by typed code or scanned QR; returns its queue number."""

    permission_classes = [IsOfficeStaff]

    def get_office(self) -> Office:
        if not hasattr(self, "_office"):
            self._input = CheckinInSerializer(data=self.request.data)
            self._input.is_valid(raise_exception=True)
            self._office = _request_office(self.request, self._input.validated_data.get("office"))
        return self._office

    @extend_schema(
        operation_id="staff_checkin",
        tags=["staff"],
        request=CheckinInSerializer,
        responses={
            201: CheckinOutSerializer,
            200: CheckinOutSerializer,
            400: error_response("Bad input.", "validation_error", "invalid_qr", "office_required"),
            403: error_response(
                "Not on the staff of the office, or `allow_late` by an officer.", "not_office_staff", "supervisor_only"
            ),
            404: error_response("No such office or booking.", "office_not_found", "booking_not_found"),
            409: error_response(
                "The booking cannot be checked in.",
                "wrong_office",
                "wrong_date",
                "too_early",
                "too_late",
                "booking_cancelled",
                "booking_moved",
                "booking_waiting",
                "booking_finished",
            ),
        },
        description=(
            "Verifies a scanned QR's signature first (`invalid_qr` when tampered or foreign), then checks the "
            "booking in at the office: 201 with a new queue number, 200 with the same number when it was already "
            "checked in. Refusals are 409 with the reason's code: `wrong_office`, `wrong_date`, `too_early`, "
            "`too_late`, `booking_cancelled`, `booking_moved`, `booking_waiting`, `booking_finished`. With "
            "`dry_run` nothing changes and every problem is listed in `problems`."
        ),
    )
    def post(self, request):
        office = self.get_office()
        data = self._input.validated_data
        booking = checkin_find(code=data.get("code", ""), qr=data.get("qr", ""))
        now = timezone.now()
        if data["dry_run"]:
            assessment = checkin_preview(office=office, booking=booking, now=now)
            _record(request, office, booking, Action.CHECKIN_VIEW, now)
            return Response(_checkin_data(booking, created=False, flags=assessment.flags, problems=assessment.problems))
        if data["allow_late"] and request.staff_role != OfficeMembership.Role.SUPERVISOR:
            raise SupervisorOnly()
        result = checkin_confirm(
            office=office, booking=booking, now=now, actor=request.user, allow_late=data["allow_late"]
        )
        _record(request, office, result.booking, Action.CHECKIN, now)
        return Response(
            _checkin_data(result.booking, created=result.created, flags=result.flags),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class OfficeStaffView(NotStored, ApiView):
    permission_classes = [IsOfficeStaff]

    def get_office(self) -> Office:
        if not hasattr(self, "_office"):
            self._office = office_get(code=self.kwargs["code"])
        return self._office


COUNTER_TRACK_HELP = "The only track this counter calls; empty: every track, priority first."


class CounterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    track = serializers.CharField(help_text=COUNTER_TRACK_HELP)


class CounterOpenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    track = serializers.ChoiceField(
        choices=Track.choices,
        required=False,
        allow_blank=True,
        help_text=COUNTER_TRACK_HELP + " Left out: an existing counter keeps what it calls.",
    )

    def validate_name(self, value: str) -> str:
        try:
            return counter_name_clean(value)
        except InvalidCounterName as exc:
            raise serializers.ValidationError(exc.detail, code=exc.code) from exc


class CountersView(OfficeStaffView):
    @extend_schema(
        operation_id="staff_counters",
        tags=["staff"],
        responses={200: CounterSerializer(many=True), 403: NOT_STAFF, 404: OFFICE_NOT_FOUND},
    )
    def get(self, request, code):
        counters = counters_in_order(self.get_office().counters.filter(is_active=True))
        return Response(CounterSerializer(counters, many=True).data)

    @extend_schema(
        operation_id="staff_counter_open",
        tags=["staff"],
        request=CounterOpenSerializer,
        responses={
            200: CounterSerializer,
            400: error_response("Bad input.", "validation_error", "invalid_counter_name", "invalid_choice"),
            403: NOT_STAFF,
            404: OFFICE_NOT_FOUND,
        },
        description=(
            "Open (create or reactivate) the counter with this name, optionally for one track. A name with "
            "nothing visible in it is 400 `invalid_counter_name`."
        ),
    )
    def post(self, request, code):
        body = CounterOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        opening = counter_open(
            office=self.get_office(), name=data["name"], track=data.get("track"), now=timezone.now(), actor=request.user
        )
        return Response(CounterSerializer(opening.counter).data)


class CallNextInSerializer(serializers.Serializer):
    counter = serializers.IntegerField(help_text="Id of the counter calling.")


class CallNextOutSerializer(serializers.Serializer):
    counter = CounterSerializer()
    called = StaffBookingSerializer(allow_null=True)


class CallNextView(OfficeStaffView):
    @extend_schema(
        operation_id="staff_call_next",
        tags=["staff"],
        request=CallNextInSerializer,
        responses={
            200: CallNextOutSerializer,
            400: error_response("Bad input.", "validation_error"),
            403: NOT_STAFF,
            404: error_response("No such office, or no such counter in it.", "office_not_found", "counter_not_found"),
            409: error_response("The counter still has someone.", "counter_busy"),
        },
        description=(
            "Call the next person (priority track first, then by session and queue time) to the counter; "
            "a counter kept for one track calls only that track's numbers. "
            "`called` is null when nobody is waiting; 409 `counter_busy` while the counter still has someone."
        ),
    )
    def post(self, request, code):
        body = CallNextInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        office = self.get_office()
        counter = counter_get(office=office, counter_id=body.validated_data["counter"])
        now = timezone.now()
        booking = queue_call_next(office=office, counter=counter, now=now, actor=request.user)
        if booking is not None:
            _record(request, office, booking, Action.COUNTER, now)
        return Response(
            {
                "counter": CounterSerializer(counter).data,
                "called": StaffBookingSerializer(booking).data if booking else None,
            }
        )


class BookingActionView(NotStored, ApiView):
    """served / missed / recall on a booking called at a counter of the user's office."""

    permission_classes = [IsOfficeStaff]
    action_name = ""
    actions = {"served": queue_served, "missed": queue_missed, "recall": queue_recall}

    def get_office(self) -> Office:
        booking = self.get_booking()
        return booking.office

    def get_booking(self) -> Booking:
        if not hasattr(self, "_booking"):
            code = "".join(ch for ch in self.kwargs["code"].upper() if ch.isalnum())
            booking = Booking.objects.select_related("office", "slot", "applicant", "counter").filter(code=code).first()
            if booking is None:
                raise BookingNotFoundForStaff()
            self._booking = booking
        return self._booking

    def post(self, request, code):
        action = self.actions[self.action_name]
        now = timezone.now()
        booking = action(booking=self.get_booking(), now=now, actor=request.user)
        booking = Booking.objects.select_related("office", "slot", "applicant", "counter").get(id=booking.id)
        _record(request, booking.office, booking, Action.COUNTER, now)
        return Response(StaffBookingSerializer(booking).data)


_ACTION_RESPONSES = {
    200: StaffBookingSerializer,
    403: NOT_STAFF,
    404: error_response("No booking with this code.", "booking_not_found"),
    409: error_response("The number is not being called at a counter.", "booking_not_called"),
}


class BookingServedView(BookingActionView):
    action_name = "served"

    @extend_schema(
        operation_id="staff_booking_served",
        tags=["staff"],
        request=None,
        responses=_ACTION_RESPONSES,
        description="Mark the person called at the counter as served.",
    )
    def post(self, request, code):
        return super().post(request, code)


class BookingMissedView(BookingActionView):
    action_name = "missed"

    @extend_schema(
        operation_id="staff_booking_missed",
        tags=["staff"],
        request=None,
        responses=_ACTION_RESPONSES,
        description="The person did not come up: the first time back of the queue, the second time `no_show`.",
    )
    def post(self, request, code):
        return super().post(request, code)


class BookingRecallView(BookingActionView):
    action_name = "recall"

    @extend_schema(
        operation_id="staff_booking_recall",
        tags=["staff"],
        request=None,
        responses=_ACTION_RESPONSES,
        description="Call the same number again (it shows again on the display board).",
    )
    def post(self, request, code):
        return super().post(request, code)


class WalkinInSerializer(ApplicantInput):
    """The person's fields are checked as a booking's are, so every bad field is reported
    at once (a bad NIK beside a missing name); the phone is optional at the desk."""

    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    priority_group = serializers.ChoiceField(choices=PriorityGroup.choices, required=False, default="")
    track = serializers.ChoiceField(
        choices=Track.choices,
        required=False,
        default=Track.REGULAR,
        help_text=(
            "`regular` or `express`, only while the office runs without online booking; priority groups always "
            "get `priority`, and only they do."
        ),
    )
    service = serializers.ChoiceField(choices=Service.choices, required=False, default=Service.NEW)
    session = serializers.IntegerField(
        required=False, help_text="Id of today's session; default: the earliest with room."
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The person's language, for messages about the booking and the proof printed for them. Default: "
        "Indonesian, whatever the officer's own language.",
    )

    def validate_phone(self, value: str) -> str:
        return super().validate_phone(value) if value.strip() else ""


class WalkinConflictOutput(ErrorOutput):
    """A walk-in refused with 409: the error, and the person's number when they are
    already in today's queue."""

    queue_number = serializers.CharField(
        required=False,
        help_text="Only with `active_booking_exists`, when the person is already in today's queue at this office "
        "(the walk-in sent twice, or checked in with a booking): the number they have, e.g. `P-001`.",
    )


WALKIN_CONFLICT = OpenApiResponse(
    WalkinConflictOutput,
    description="No place can be taken. Codes: `walkin_no_session`, `walkin_session_unavailable`, "
    "`active_booking_exists`",
    examples=[
        OpenApiExample(
            "already_queued",
            value={
                "code": "active_booking_exists",
                "detail": "A translated message for a person.",
                "fields": {},
                "queue_number": "P-001",
            },
            response_only=True,
        )
    ],
)


class WalkinView(OfficeStaffView):
    @extend_schema(
        operation_id="staff_walkin",
        tags=["staff"],
        request=WalkinInSerializer,
        responses={
            201: CheckinOutSerializer,
            400: error_response(
                "Bad input; `fields` names each bad field.",
                "invalid_nik",
                "nik_birth_date_mismatch",
                "invalid_birth_date",
                "invalid_name",
                "invalid_phone",
                "invalid_email",
                "priority_group_mismatch",
                "walkin_not_allowed",
                "invalid_choice",
                "validation_error",
            ),
            403: NOT_STAFF,
            404: OFFICE_NOT_FOUND,
            409: WALKIN_CONFLICT,
        },
        description=(
            "Register a walk-in and queue them at once. Priority groups always; everyone while the office "
            "runs without online booking (`walkin_not_allowed` otherwise); `elderly` is for people of 60 or over "
            "by the birth date (400 `priority_group_mismatch` under `fields.priority_group` otherwise). Takes a "
            "place from today's sessions not yet ended, like any booking: `walkin_no_session` when none has "
            "room, `walkin_session_unavailable` when the `session` given has ended or has no room. A person with "
            "an active booking already is `active_booking_exists`; when that booking has them in today's queue "
            "here (the walk-in was sent twice, or they checked in), the answer adds their `queue_number`."
        ),
    )
    def post(self, request, code):
        office = self.get_office()
        now = timezone.now()
        body = WalkinInSerializer(data=request.data, context={"today": office_today(office, now)})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        slot = None
        if data.get("session"):
            slot = Slot.objects.filter(office=office, id=data["session"]).first()
        try:
            result = walkin_register(
                office=office,
                nik=data["nik"],
                full_name=data["full_name"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                email=data["email"],
                priority_group=data["priority_group"],
                track=data["track"],
                service=data["service"],
                slot=slot,
                now=now,
                actor=request.user,
                language=data.get("language", ""),
            )
        except WalkinAlreadyQueued as exc:
            # The answer names their queue number: a read of the person's booking, logged.
            _record(request, office, exc.booking, Action.CHECKIN_VIEW, now)
            raise
        _record(request, office, result.booking, Action.WALK_IN, now)
        return Response(_checkin_data(result.booking, created=True, flags=result.flags), status=status.HTTP_201_CREATED)
