"""Finding offices, and which offices a staff member may act for."""

import difflib
import math
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from offices.cache import office_cached, offices_remember, warm_all_claim
from offices.exceptions import OfficeNotFound
from offices.models import Office, OfficeMembership

CENTRAL_ADMIN_GROUP = "central_admin"
SUPERVISOR_GROUP = "supervisor"
EARTH_RADIUS_KM = 6371.0


def office_search(*, q: str = "", province: str = "", kind: str = "") -> QuerySet[Office]:
    """Active offices whose name, city or code contains every word of ``q``."""
    queryset = Office.objects.filter(is_active=True).select_related("parent")
    for word in q.split():
        queryset = queryset.filter(Q(name__icontains=word) | Q(city__icontains=word) | Q(code__icontains=word))
    if province:
        queryset = queryset.filter(province__iexact=province)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("province", "name")


# Words of office names that every office shares: no help in telling "surbaya" from one.
_COMMON_NAME_WORDS = {"kantor", "imigrasi", "kelas", "khusus", "unit", "layanan", "paspor", "kabupaten", "kota"}


def office_search_suggestion(*, q: str, province: str = "") -> str:
    """For a search that found nothing, the same words with each misspelt one replaced by the
    nearest word of an office's name or city ("surbaya" -> "surabaya"), if that finds
    offices; else "". Read only when a search finds nothing, so its cost does not matter."""
    words = q.lower().split()
    if not words:
        return ""
    vocabulary = set()
    for name, city in Office.objects.filter(is_active=True).values_list("name", "city"):
        vocabulary.update(word for word in f"{name} {city}".lower().replace(",", " ").split() if len(word) >= 3)
    vocabulary -= _COMMON_NAME_WORDS
    corrected = []
    for word in words:
        if word in vocabulary or any(word in known for known in vocabulary):
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
    suggestion = " ".join(corrected)
    if suggestion == " ".join(words) or not office_search(q=suggestion, province=province).exists():
        return ""
    return suggestion


def office_get(*, code: str) -> Office:
    """An active office by code, from the cache when it can (no query when warm)."""
    office = office_cached(code)
    if office is None:
        office = _office_from_db(code)
    return office


def _office_from_db(code: str) -> Office:
    if warm_all_claim("offices"):
        # The cache is cold (see offices.cache.WARM_ALL_SECONDS): every active office in
        # one query, remembered together, so the next office asked for is a cache hit.
        offices = {office.code: office for office in Office.objects.filter(is_active=True).select_related("parent")}
        offices_remember(offices.values())
        if code not in offices:
            raise OfficeNotFound()
        return offices[code]
    # get(), not first(): the code is unique, and first() would order by Meta.ordering,
    # whose compilation costs more than the query.
    try:
        office = Office.objects.select_related("parent").get(code=code, is_active=True)
    except Office.DoesNotExist:
        raise OfficeNotFound() from None
    offices_remember([office])
    return office


def office_provinces() -> list[str]:
    """Provinces that have at least one active office, sorted."""
    return list(
        Office.objects.filter(is_active=True).order_by("province").values_list("province", flat=True).distinct()
    )


def office_service_points(*, office: Office) -> QuerySet[Office]:
    return office.service_points.filter(is_active=True).order_by("name")


@dataclass(frozen=True)
class NearbyOffice:
    office: Office
    distance_km: float


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def office_nearest(*, latitude: float, longitude: float, limit: int = 5, kind: str = "") -> list[NearbyOffice]:
    """The ``limit`` active offices closest to a point, nearest first.

    Plain great-circle distance in Python: there are under two hundred offices, and the
    coordinates are only city-level anyway.
    """
    offices = Office.objects.filter(is_active=True, latitude__isnull=False, longitude__isnull=False)
    if kind:
        offices = offices.filter(kind=kind)
    nearby = [
        NearbyOffice(o, round(_haversine_km(latitude, longitude, float(o.latitude), float(o.longitude)), 1))
        for o in offices.select_related("parent")
    ]
    nearby.sort(key=lambda n: (n.distance_km, n.office.name))
    return nearby[:limit]


def user_is_central_admin(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Superusers and members of the ``central_admin`` group manage every office."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: the admin asks many times per request.
    if not hasattr(user, "_is_central_admin"):
        user._is_central_admin = user.groups.filter(name=CENTRAL_ADMIN_GROUP).exists()
    return user._is_central_admin


def user_office_ids(user: AbstractBaseUser | AnonymousUser | None, *, roles: tuple[str, ...] | None = None) -> set[int]:
    """Ids of the offices the user is a member of (optionally only with these roles)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    memberships = OfficeMembership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("office_id", flat=True))


def offices_for_user(
    user: AbstractBaseUser | AnonymousUser | None, *, roles: tuple[str, ...] | None = None
) -> QuerySet[Office]:
    """Offices the user may act for: all of them for central admins, else their memberships."""
    if user_is_central_admin(user):
        return Office.objects.all()
    return Office.objects.filter(id__in=user_office_ids(user, roles=roles))


def user_can_act_for(
    user: AbstractBaseUser | AnonymousUser | None, office: Office, *, roles: tuple[str, ...] | None = None
) -> bool:
    return user_is_central_admin(user) or office.id in user_office_ids(user, roles=roles)
