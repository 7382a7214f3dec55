"""Public day-of-service pages: the office's TV board (behind its secret link) and its
queue page. No sign-in; nothing personal is shown, only queue numbers."""

import datetime as dt
import math

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from applicants.queue_selectors import display_state, queue_public_cached
from offices.exceptions import OfficeNotFound
from offices.models import Office
from offices.selectors import (
    office_get,
)

# A TV across a waiting hall shows at most this many counter tiles at once, at the sizes
# static/css/staff.css gives them (data-tiles): more, smaller tiles could not be read from
# the back of the hall. A big office's counters are shown in pages of as many tiles each,
# one after the other, every BOARD_PAGE_SECONDS, chosen by the clock so that every TV
# in the hall shows the same page. static/js/staff/display.js turns them the same way.
BOARD_PAGE_TILES = 20
BOARD_PAGE_SECONDS = 8


def board_pages(*, counters: list[dict], now: dt.datetime) -> dict:
    """The board's counter tiles in pages: ``tiles`` ([(counter, its page)]), ``size``
    (tiles a page holds), ``pages``, the ``page`` shown at ``now`` (from 0) and ``range``."""
    pages = max(1, math.ceil(len(counters) / BOARD_PAGE_TILES))
    size = math.ceil(len(counters) / pages)
    page = int(now.timestamp() // BOARD_PAGE_SECONDS) % pages
    return {
        "tiles": [(counter, n // size) for n, counter in enumerate(counters)],
        "size": size,
        "pages": pages,
        "page": page,
        "range": range(pages),
        "max_tiles": BOARD_PAGE_TILES,
        "seconds": BOARD_PAGE_SECONDS,
    }


def _office_by_display_token(token: str) -> Office:
    office = Office.objects.filter(display_token=token, is_active=True).first()
    if office is None or len(token) < 16:
        raise Http404
    return office


@require_safe
@never_cache
def display_board(request, token):
    """The TV at the office: no login, reached by an unguessable link per office."""
    office = _office_by_display_token(token)
    now = timezone.now()
    state = display_state(office=office, now=now)
    response = render(
        request,
        "queue/display.html",
        {
            "office": office,
            "state": state,
            "board": board_pages(counters=state["counters"], now=now),
            "state_url": reverse("display-state", args=[token]),
        },
    )
    # The board is meant to be shown fullscreen on its own; never inside another site.
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@never_cache
def display_state_json(request, token):
    office = _office_by_display_token(token)
    return JsonResponse(display_state(office=office, now=timezone.now()))


@require_safe
def public_queue(request, code):
    try:
        office = office_get(code=code)
    except OfficeNotFound:
        raise Http404 from None
    queue = queue_public_cached(office=office, now=timezone.now())
    return render(
        request,
        "queue/office.html",
        {"office": office, "queue": queue, "api_url": reverse("api:office-queue", args=[office.code])},
    )
