"""Public read API for offices and availability (DESIGN section 5). Views stay thin:
validate the query with an input serializer, call a selector, render."""

import datetime as dt
from functools import update_wrapper

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from offices.cache import local_generation, local_get, local_set, local_ttl
from offices.exceptions import InvalidDate, InvalidDateRange
from offices.models import Office, Track
from offices.selectors import (
    MAX_AVAILABILITY_DAYS,
    office_availability_snapshot,
    office_get,
    office_nearest,
    office_release_window,
    office_search,
    office_service_points,
)
from offices.selectors.availability import DayStatus
from offices.timeutils import office_today
from queue_booking.api_errors import ErrorOutput
from queue_booking.api_views import ApiView, has_body

# How far from the office's today an availability window may start.
AVAILABILITY_PAST_DAYS = 31
AVAILABILITY_FUTURE_DAYS = 366
DEFAULT_AVAILABILITY_DAYS = 31


class OfficeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The main office's code; null for a main office."
    )
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    tz_abbreviation = serializers.CharField(help_text="WIB, WITA or WIT.")

    class Meta:
        model = Office
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "province",
            "city",
            "address",
            "timezone",
            "tz_abbreviation",
            "online_booking",
            "latitude",
            "longitude",
        ]
        read_only_fields = fields


class BookingWindowSerializer(serializers.Serializer):
    first = serializers.DateField(help_text="First date open for online booking (office-local).")
    last = serializers.DateField(help_text="Last released date; before `first` when nothing is released.")


class OfficeDetailSerializer(OfficeSerializer):
    service_points = serializers.SerializerMethodField()
    booking_window = serializers.SerializerMethodField()

    class Meta(OfficeSerializer.Meta):
        fields = [
            *OfficeSerializer.Meta.fields,
            "kanim_class",
            "phone",
            "opening_time",
            "closing_time",
            "release_policy",
            "release_weekday",
            "release_time",
            "booking_window",
            "service_points",
            "data_confidence",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_service_points(self, office: Office) -> list[str]:
        return [point.code for point in office_service_points(office=office)]

    @extend_schema_field(BookingWindowSerializer)
    def get_booking_window(self, office: Office) -> dict:
        first, last = office_release_window(office=office, now=self.context["now"])
        return {"first": first.isoformat(), "last": last.isoformat()}


class NearbyOfficeSerializer(OfficeSerializer):
    distance_km = serializers.FloatField()

    class Meta(OfficeSerializer.Meta):
        fields = [*OfficeSerializer.Meta.fields, "distance_km"]
        read_only_fields = fields


class OfficePageSerializer(serializers.Serializer):
    """One page of ``OfficePagination``, for the schema."""

    count = serializers.IntegerField(help_text="Offices found, over all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page's address; null on the last page.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page's address; null on the first.")
    results = OfficeSerializer(many=True)


class OfficePagination(PageNumberPagination):
    """Pages of offices. A ``page_size`` that is not a whole number from 1 to
    ``max_page_size`` is a 400 naming it: DRF's own pagination would quietly use the
    default or the maximum instead, and a client would never learn its mistake.

    An empty ``page=`` is a page that does not exist (404 ``not_found``), like ``page=0``
    or ``page=x``: DRF's pagination reads it as page 1."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            # Django's paginator refuses it (not a whole number): the same 404 as page=x.
            return ""
        return super().get_page_number(request, paginator)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("Ask for 1 to %(max)s offices a page.") % {"max": self.max_page_size}
            raise serializers.ValidationError({self.page_size_query_param: [message]})
        return size


class RefusedIfEmpty:
    """A query parameter sent empty (``?days=``) is refused with ``empty_message``, not
    taken as left out.

    For an optional field DRF reads an empty value in query (or form) data as "not given"
    and uses the default, so ``?days=`` quietly meant 31 days and ``?start=`` the first
    bookable day: a client whose variable was empty would never learn it. Mixed into a
    DRF field; ``empty_message`` is called when needed, so it speaks the request's
    language."""

    def __init__(self, *args, empty_message, **kwargs):
        self.empty_message = empty_message
        super().__init__(*args, **kwargs)

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if value is empty and self.field_name in dictionary and dictionary.get(self.field_name) == "":
            return ""
        return value

    def run_validation(self, data=empty):
        if data == "":
            raise serializers.ValidationError(self.empty_message(), code="blank")
        return super().run_validation(data)


class DateQueryField(RefusedIfEmpty, serializers.DateField):
    pass


class IntegerQueryField(RefusedIfEmpty, serializers.IntegerField):
    pass


class JsonOnly(BaseContentNegotiation):
    """The API speaks JSON only; skipping negotiation is measurable under a read flood."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PublicApi(ApiView):
    # Public reads: no session lookup, no CSRF, nothing that touches the database
    # before the view decides it must.
    authentication_classes: list = []
    permission_classes: list = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly


class OfficeListApi(PublicApi):
    class Query(serializers.Serializer):
        q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
        province = serializers.CharField(required=False, default="", allow_blank=True, max_length=80)
        kind = serializers.ChoiceField(choices=Office.Kind.choices, required=False, default="", allow_blank=True)

    @extend_schema(
        operation_id="offices_list",
        parameters=[
            # A filter sent empty (``?q=``, as a search form sends an empty box) filters nothing.
            OpenApiParameter(
                "q", str, description="Words to find in the office name, city or code. Empty or left out: any office."
            ),
            OpenApiParameter(
                "province", str, description="Exact province name, e.g. `Jawa Timur`. Empty or left out: any province."
            ),
            OpenApiParameter(
                "kind", str, enum=[*Office.Kind.values, ""], description="Empty or left out: offices of every kind."
            ),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="Default 1 (left out). A page that is not a whole number from 1 to the last page, "
                "also an empty `page=`, is a 404 `not_found`.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": OfficePagination.max_page_size},
                description=f"1 to {OfficePagination.max_page_size} (default 25, left out). Anything else, also an "
                "empty `page_size=`, is a 400 `validation_error`.",
            ),
        ],
        responses={
            200: OfficePageSerializer,
            400: OpenApiResponse(
                ErrorOutput,
                description="Codes: `validation_error` (`page_size`, `q`, `province`), `invalid_choice` (`kind`).",
            ),
            404: OpenApiResponse(ErrorOutput, description="Codes: `not_found` (no such `page`)."),
        },
    )
    def get(self, request):
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        offices = office_search(**query.validated_data)
        paginator = OfficePagination()
        page = paginator.paginate_queryset(offices, request, view=self)
        return paginator.get_paginated_response(OfficeSerializer(page, many=True).data)


class OfficeNearestApi(PublicApi):
    class Query(serializers.Serializer):
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lon = serializers.FloatField(min_value=-180, max_value=180)
        limit = IntegerQueryField(
            min_value=1,
            max_value=50,
            default=5,
            help_text="1 to 50 (left out: 5). An empty `limit=` is a 400 `validation_error`.",
            empty_message=lambda: _("Give a number of offices from 1 to 50, or leave limit out for 5."),
        )
        kind = serializers.ChoiceField(
            choices=Office.Kind.choices,
            required=False,
            default="",
            allow_blank=True,
            help_text="Empty or left out: offices of every kind.",
        )

    @extend_schema(
        operation_id="offices_nearest",
        # The query serializer itself, so the schema gives its ranges (lat -90..90, limit 1..50).
        parameters=[Query],
        responses={
            200: NearbyOfficeSerializer(many=True),
            400: OpenApiResponse(
                ErrorOutput, description="Codes: `validation_error` (`lat`, `lon`, `limit`), `invalid_choice` (`kind`)."
            ),
        },
    )
    def get(self, request):
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        nearby = office_nearest(latitude=data["lat"], longitude=data["lon"], limit=data["limit"], kind=data["kind"])
        rows = []
        for item in nearby:
            row = OfficeSerializer(item.office).data
            row["distance_km"] = item.distance_km
            rows.append(row)
        return Response(rows)


# An unknown office is named as such, not as the API's generic `not_found` (an address
# that names nothing): clients tell "no such office" from a wrong address by it.
OFFICE_NOT_FOUND = "No active office has this code (an unknown or closed-down office). Codes: `office_not_found`."


class OfficeDetailApi(PublicApi):
    @extend_schema(
        operation_id="offices_retrieve",
        responses={
            200: OfficeDetailSerializer,
            404: OpenApiResponse(ErrorOutput, description=OFFICE_NOT_FOUND),
        },
    )
    def get(self, request, code: str):
        office = office_get(code=code)
        return Response(OfficeDetailSerializer(office, context={"now": timezone.now()}).data)


class AvailabilitySessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The session's capacity row; book with this id.")
    start = serializers.CharField(help_text="HH:MM, office-local.")
    end = serializers.CharField(help_text="HH:MM, office-local.")
    track = serializers.ChoiceField(choices=Track.choices)
    capacity = serializers.IntegerField()
    available = serializers.IntegerField(
        help_text="Places left for online booking; 0 when closed, and for a track that cannot be booked online "
        "(priority, unless the deployment allows it)."
    )


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=DayStatus.choices)
    reason = serializers.CharField(
        allow_null=True,
        help_text="Why the day is closed, when known, in the request's language (Accept-Language or the language "
        "cookie): a national holiday or cuti bersama by its official Indonesian name in `id` and its English name "
        "in `en`; a closure recorded by hand in the words it was recorded with.",
    )
    release_at = serializers.DateTimeField(
        allow_null=True, help_text="When a `not_released` date opens (office-local time with offset)."
    )
    sessions = AvailabilitySessionSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    office = serializers.CharField()
    timezone = serializers.CharField()
    days = AvailabilityDaySerializer(many=True)


def _local_key(request: HttpRequest, code: str) -> tuple:
    # A day's reason is translated text: one kept answer per language.
    return ("availability", code, translation.get_language(), request.META.get("QUERY_STRING", ""))


def _kept_answer(local_key: tuple) -> HttpResponse | None:
    """The answer this process keeps for ``local_key``, unless its office changed since."""
    kept = local_get(local_key)
    if kept is None or kept[1] != local_generation(kept[0]):
        return None
    return HttpResponse(kept[2], content_type="application/json")


class OfficeAvailabilityApi(PublicApi):
    class Query(serializers.Serializer):
        start = DateQueryField(
            required=False,
            input_formats=["%Y-%m-%d"],
            empty_message=lambda: _("Give a date as YYYY-MM-DD, or leave start out for the first bookable day."),
        )
        days = IntegerQueryField(
            required=False,
            default=DEFAULT_AVAILABILITY_DAYS,
            empty_message=lambda: (
                _("Give a number of days from 1 to %(max)s, or leave days out for %(default)s.")
                % {"max": MAX_AVAILABILITY_DAYS, "default": DEFAULT_AVAILABILITY_DAYS}
            ),
        )

    @extend_schema(
        operation_id="offices_availability",
        parameters=[
            OpenApiParameter(
                "start",
                dt.date,
                description="First date (YYYY-MM-DD). Left out: the first bookable day. An empty `start=` is a 400 "
                "`invalid_date`.",
            ),
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": MAX_AVAILABILITY_DAYS},
                description=f"How many days, 1 to {MAX_AVAILABILITY_DAYS} (left out: {DEFAULT_AVAILABILITY_DAYS}). "
                "An empty `days=` is a 400 `invalid_date_range`.",
            ),
        ],
        responses={
            200: AvailabilitySerializer,
            400: OpenApiResponse(ErrorOutput, description="Codes: `invalid_date`, `invalid_date_range`."),
            404: OpenApiResponse(ErrorOutput, description=OFFICE_NOT_FOUND),
        },
    )
    def get(self, request, code: str):
        # Same office, language and query within the micro-cache life: the answer as it was sent.
        local_key = _local_key(request, code)
        kept = _kept_answer(local_key)
        if kept is not None:
            return kept

        now = timezone.now()
        office = office_get(code=code)
        generation = local_generation(office.id)
        query = self.Query(data=request.query_params)
        if not query.is_valid():
            error = InvalidDate if "start" in query.errors else InvalidDateRange
            raise error(fields={name: [str(e) for e in errors] for name, errors in query.errors.items()})
        today = office_today(office, now)
        start = query.validated_data.get("start") or today + dt.timedelta(days=office.first_day_offset)
        days = query.validated_data["days"]
        if not 1 <= days <= MAX_AVAILABILITY_DAYS:
            raise InvalidDateRange(
                fields={"days": [str(_("Ask for 1 to %(max)s days.") % {"max": MAX_AVAILABILITY_DAYS})]}
            )
        if not -AVAILABILITY_PAST_DAYS <= (start - today).days <= AVAILABILITY_FUTURE_DAYS:
            raise InvalidDateRange(fields={"start": [str(_("This date is too far from today."))]})
        snapshot = office_availability_snapshot(office=office, start=start, days=days, now=now)
        # Rendered as plain data: the shape is AvailabilitySerializer's, but running a
        # serializer over hundreds of sessions would cost more than the cached read.
        body = JSONRenderer().render({"office": office.code, "timezone": office.timezone, "days": snapshot.days})
        # Never kept past the cache life of the oldest data in it.
        keep_for = min(local_ttl(), settings.AVAILABILITY_CACHE_SECONDS - (now.timestamp() - snapshot.read_at))
        local_set(local_key, (office.id, generation, body), keep_for)
        return HttpResponse(body, content_type="application/json")


_availability_drf_view = OfficeAvailabilityApi.as_view()
# The Allow header DRF's view adds to each answer (HEAD comes with get(), from Django's
# View.setup); a kept answer sent without the view carries it too. A test holds the two
# answers to the same headers.
_AVAILABILITY_ALLOW = "GET, HEAD, OPTIONS"


def office_availability_view(request: HttpRequest, code: str) -> HttpResponse:
    """``GET /api/v1/offices/{code}/availability/``: the most read address on a launch day.

    An answer this process keeps (the micro-cache, ``AVAILABILITY_LOCAL_CACHE_SECONDS``)
    is sent before DRF's view machinery, which costs more than the hit itself: under
    ``make bench`` nine reads in ten are such hits. Everything else, and every other
    method, goes to ``OfficeAvailabilityApi``.
    """
    if request.method == "GET":
        kept = availability_kept_answer(request, code)
        if kept is not None:
            return kept
    return _availability_drf_view(request, code=code)


def availability_kept_answer(request: HttpRequest, code: str) -> HttpResponse | None:
    """The answer this process keeps for this read (office, language, query), as the view
    sends it, or ``None``. Also given before the middleware (``queue_booking.fast_lane``)."""
    if has_body(request):
        # Refused by the view (``queue_booking.api_views``), never answered from the copy.
        return None
    kept = _kept_answer(_local_key(request, code))
    if kept is not None:
        kept["Allow"] = _AVAILABILITY_ALLOW
    return kept


# DRF and the schema generator find the view class through these attributes.
update_wrapper(office_availability_view, _availability_drf_view, assigned=(), updated=("__dict__",))
