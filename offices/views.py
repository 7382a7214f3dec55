"""The applicant's pages for finding an office and a date. Thin: selectors do the reading."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offices import pages
from offices.exceptions import OfficeNotFound
from offices.selectors import office_get, office_nearest, office_provinces, office_search, office_search_suggestion
from offices.selectors.availability import offices_next_free

NEAR_ME_LIMIT = 10


def _coordinate(value: str | None, limit: float) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if -limit <= number <= limit else None


def _found_heading(entries: list[dict]) -> str:
    """How many cards a search shows, as the person counts them: a service point listed
    inside its office's card is not counted again (it was: "3 offices" above two cards),
    and one shown on a card of its own is called a service point."""
    points = sum(1 for entry in entries if entry["office"].parent_id)
    offices = len(entries) - points
    if not points:
        return ngettext("%(counter)s office found", "%(counter)s offices found", offices) % {"counter": offices}
    points_text = ngettext("%(counter)s service point", "%(counter)s service points", points) % {"counter": points}
    if not offices:
        return _("%(service_points)s found") % {"service_points": points_text}
    offices_text = ngettext("%(counter)s office", "%(counter)s offices", offices) % {"counter": offices}
    return _("%(offices)s and %(service_points)s found") % {"offices": offices_text, "service_points": points_text}


def home(request):
    """Search by name or city, filter by province, or sort by distance ("near me")."""
    query = request.GET.get("q", "").strip()[:100]
    province = request.GET.get("province", "").strip()[:80]
    lat = _coordinate(request.GET.get("lat"), 90)
    lon = _coordinate(request.GET.get("lon"), 180)
    provinces = office_provinces()
    if province not in provinces:
        province = ""

    near_me = lat is not None and lon is not None
    if near_me:
        nearby = office_nearest(latitude=lat, longitude=lon, limit=NEAR_ME_LIMIT)
        offices = [near.office for near in nearby]
        entries = [{"office": near.office, "distance_km": near.distance_km, "service_points": []} for near in nearby]
        groups = [{"province": None, "entries": entries}]
    else:
        offices = list(office_search(q=query, province=province))
        groups = pages.group_by_province(pages.office_entries(offices, nest=True))
    # Cards (a search, a province, near me) show each office's first free date; the
    # list of every office stays a plain list of names.
    next_free = offices_next_free(now=timezone.now()) if (near_me or query or province) else None
    if next_free is not None:
        for group in groups:
            for entry in group["entries"]:
                entry["next_free"] = next_free.get(entry["office"].id)
                entry["next_free_known"] = entry["office"].id in next_free
    return render(
        request,
        "offices/home.html",
        {
            "query": query,
            "province": province,
            "provinces": provinces,
            "near_me": near_me,
            "searched": bool(query or province),
            "groups": groups,
            "result_count": sum(len(group["entries"]) for group in groups),
            "found_heading": _found_heading([entry for group in groups for entry in group["entries"]]),
            "suggestion": office_search_suggestion(q=query, province=province) if query and not offices else "",
        },
    )


def _selected_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def office_detail(request, code: str):
    """Address, hours, the calendar of the coming weeks, and the sessions of one date.

    When the chosen date is full the page lists the next dates with room here and at
    the nearest other offices and service points, so "full" is never a dead end.
    """
    try:
        office = office_get(code=code)
    except OfficeNotFound as exc:
        raise Http404(exc.detail) from exc
    now = timezone.now()
    page = pages.office_page(office=office, selected=_selected_date(request.GET.get("date")), now=now)
    return render(request, "offices/office_detail.html", {"office": office, **page})
