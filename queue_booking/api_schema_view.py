"""The OpenAPI schema at ``/api/schema/``, served by the API's own rules.

A read with a body is a 400 ``malformed_request`` (``queue_booking.api_views``), as on
every other address of the API, where drf-spectacular's view ignored the body; and its
refusals (that 400, a 405, a 404 for an unknown ``?format=``, a 406) are the API's JSON
error, not YAML. The schema itself is still negotiated: YAML by default, JSON for
``?format=json`` or ``Accept: application/vnd.oai.openapi+json``.

Apart from ``queue_booking.api_schema``, which the app imports when it is ready: only the
URLconf needs drf-spectacular's views.
"""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer

from queue_booking.api_views import ApiView


class SchemaView(ApiView, SpectacularAPIView):
    """``/api/schema/``: see the module's docstring."""

    content_negotiation_class = DefaultContentNegotiation

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # ``finalize_response`` renders with the request's renderer, negotiated before
        # the refusal or, where negotiation itself failed, forced to the first (YAML).
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
