"""Every view of the API reads a request's body by the same rules (``queue_booking.api_views``)."""

from django.urls import URLPattern, URLResolver, get_resolver

from queue_booking.api_views import ApiView


def _api_views(patterns, inside_api: bool = False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, inside_api or pattern.namespace == "api")
        elif isinstance(pattern, URLPattern) and inside_api:
            yield pattern.name, pattern.callback


def test_every_api_view_is_an_api_view():
    views = dict(_api_views(get_resolver().url_patterns))

    assert len(views) >= 20
    assert {name for name, view in views.items() if not issubclass(getattr(view, "cls", type(None)), ApiView)} == set()
