from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from queue_booking.api_schema_view import SchemaView
from queue_booking.health import healthz
from queue_booking.sign_in import AdminSignInForm


def favicon(request):
    """The site's icon where a page names none (the admin, the API docs): browsers ask here."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


api_v1 = [
    path("", include("offices.api_urls")),
    path("", include("applicants.api_urls")),
]

# Resolved in this order: the API first, since a launch-day flood is API calls (each
# pattern tried before the match costs every request about a microsecond).
urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("staff/", include("applicants.staff_urls")),
    path("", include("applicants.queue_urls")),
    path("", include("offices.urls")),
    path("", include("applicants.urls")),
]

handler404 = "queue_booking.api_errors.page_not_found"
# The staff pages have their own 500 page (queue_booking/error_pages.py).
handler500 = "queue_booking.error_pages.server_error"

# Failed sign-ins are limited, as on the staff pages (queue_booking/sign_in.py).
admin.site.login_form = AdminSignInForm
admin.site.site_header = "Antrean Paspor"
admin.site.site_title = "Antrean Paspor"
# The side menu took a quarter of a 1280-pixel screen and pushed list columns (a
# booking's status, a session's booked / capacity) out of sight; the breadcrumbs and
# the index lead to the same few pages.
admin.site.enable_nav_sidebar = False
