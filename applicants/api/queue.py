"""Public queue reads: an office's queue now (numbers only, no sign-in) and, with a
booking's secret, where that booking stands in it."""

from django.utils import timezone
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from applicants.api.booking_docs import error_response
from applicants.api.guards import NotStored
from applicants.exceptions import BookingNotFound
from applicants.models import Booking
from applicants.proof import normalize_code, token_matches
from applicants.queue_selectors import ServiceState, WaitUnknown, queue_position, queue_public_cached
from applicants.waits import estimate_text
from offices.selectors import office_get
from queue_booking.api_views import ApiView


class QueueTrackSerializer(serializers.Serializer):
    track = serializers.CharField()
    now_serving = serializers.CharField(
        allow_null=True, help_text="The track's number called last today (that person may be served already)."
    )
    waiting = serializers.IntegerField(help_text="People of this track waiting to be called.")
    ahead = serializers.IntegerField(
        help_text="People a newcomer on this track would wait behind: the priority line for priority, this "
        "track's line where a counter is kept for it, else everyone waiting (the counters call every track)."
    )
    estimated_wait_minutes = serializers.IntegerField(
        allow_null=True, help_text="The estimated wait of a newcomer on this track; null with no one ahead."
    )
    estimated_wait_reason = serializers.ChoiceField(
        choices=WaitUnknown.PUBLIC,
        allow_null=True,
        help_text="Why estimated_wait_minutes is null: no number called today, none lately, or no one ahead.",
    )
    estimated_wait_text = serializers.CharField(
        help_text=(
            "The estimated wait in words, in the request's language (Accept-Language or the language cookie), "
            'as the queue page shows it: "sekitar 1 jam 20 menit", "about 25 minutes"; when there is no '
            'estimate, why not: "No one is waiting now."'
        )
    )


class QueueCounterSerializer(serializers.Serializer):
    counter = serializers.CharField(
        help_text="Each counter the office has open, on a day it serves, and any other with a call still live; "
        'in the order people number them ("Loket 2" before "Loket 10").'
    )
    queue_number = serializers.CharField(
        allow_null=True, help_text="The number called there last today; null when nobody was called there yet today."
    )
    at = serializers.DateTimeField(allow_null=True, help_text="When queue_number was last called there.")
    serving = serializers.BooleanField(
        help_text="True while queue_number is being called there; false once that person was served or missed, "
        "or before the counter's first call: the counter is free."
    )


class QueueCallSerializer(serializers.Serializer):
    queue_number = serializers.CharField()
    counter = serializers.CharField()
    at = serializers.DateTimeField()
    recall = serializers.BooleanField()


RECENT_HELP = (
    "The last calls today that are over (the person served or missed), latest first, each number once "
    "(at its latest call). A number still being called is in counters instead; once service has stopped "
    "for the day, the last numbers called are all listed."
)


class QueueServiceSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=ServiceState.ALL,
        help_text="`open`, `before_opening`, `closed` (past the closing time) or `no_service` (no session today). "
        "While `closed` or `no_service` there is no estimated wait (`office_closed`).",
    )
    opens = serializers.CharField(help_text="Opening time today, office time (HH:MM).")
    closes = serializers.CharField(help_text="Closing time today, office time (HH:MM).")


class PublicQueueSerializer(serializers.Serializer):
    office = inline_serializer("QueueOffice", {"code": serializers.CharField(), "name": serializers.CharField()})
    date = serializers.DateField()
    updated_at = serializers.DateTimeField()
    service = QueueServiceSerializer()
    tracks = QueueTrackSerializer(many=True)
    counters = QueueCounterSerializer(many=True)
    recent = QueueCallSerializer(many=True, help_text=RECENT_HELP)
    calls_per_minute = serializers.FloatField(allow_null=True)


class PublicQueueView(ApiView):
    permission_classes: list = []
    authentication_classes: list = []

    @extend_schema(
        operation_id="office_queue",
        tags=["queue"],
        responses={200: PublicQueueSerializer, 404: error_response("No such office.", "office_not_found")},
        description=(
            "Today's queue at an office: the number called last per track, how many wait, an estimated wait "
            "from the recent call rate (null until there is data), and what each counter shows. Queue numbers "
            "only, never names."
        ),
    )
    def get(self, request, code):
        office = office_get(code=code)
        queue = queue_public_cached(office=office, now=timezone.now())
        # The cached copy serves every language; the words are added per request.
        tracks = [
            {**t, "estimated_wait_text": estimate_text(t["estimated_wait_minutes"], t.get("estimated_wait_reason"))}
            for t in queue["tracks"]
        ]
        response = Response({**queue, "tracks": tracks})
        response["Cache-Control"] = "max-age=2"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class PositionSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    queue_number = serializers.CharField(allow_null=True)
    is_today = serializers.BooleanField()
    position = serializers.IntegerField(allow_null=True, help_text="1 = next; 0 = being called now.")
    ahead = serializers.IntegerField(allow_null=True)
    estimated_wait_minutes = serializers.IntegerField(allow_null=True)
    estimated_wait_reason = serializers.ChoiceField(
        choices=WaitUnknown.OWN,
        allow_null=True,
        help_text="Why estimated_wait_minutes is null: not checked in yet, being called, next in line, "
        "or no number called today (or lately) to estimate from.",
    )
    counter = serializers.CharField(allow_null=True)
    now_serving = serializers.CharField(
        allow_null=True, help_text="The track's number called last today (that person may be served already)."
    )


class BookingPositionView(NotStored, ApiView):
    permission_classes: list = []
    authentication_classes: list = []

    @extend_schema(
        operation_id="booking_position",
        tags=["queue"],
        parameters=[
            OpenApiParameter(
                "X-Booking-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, description="The secret."
            )
        ],
        responses={
            200: PositionSerializer,
            404: error_response("No such booking, or a wrong `X-Booking-Token`.", "booking_not_found"),
        },
        description="An applicant's own place in today's queue, from their proof page.",
    )
    def get(self, request, code):
        token = request.headers.get("X-Booking-Token", "")
        booking = Booking.objects.select_related("office", "counter").filter(code=normalize_code(code)).first()
        if booking is None or not token_matches(token, booking.token_hash):
            raise BookingNotFound()
        return Response(queue_position(booking=booking, now=timezone.now()))
