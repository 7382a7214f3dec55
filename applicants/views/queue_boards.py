"""Public day-of-service pages: the office's TV board (behind its secret link) and its
queue page. No sign-in; nothing personal is shown, only queue numbers."""

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
    state = display_state(office=office, now=timezone.now())
    response = render(
        request,
        "queue/display.html",
        {"office": office, "state": state, "state_url": reverse("display-state", args=[token])},
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
