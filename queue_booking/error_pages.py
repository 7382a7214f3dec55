"""Which error page a failed page gets: the staff pages have their own.

The public 500, 503 and expired-form pages speak to applicants ("your booking is not
lost", "if you were booking, check My booking") and lead to the office search. An
officer whose counter or check-in page fails mid-action needs other words: whether what
they did was done, what to check before doing it again, and the way back to their desk
(and, while the system stays out, the paper day list). The staff pages are everything
under ``STAFF_PATH_PREFIX``; the templates of the same name under ``staff/`` are theirs.
"""

from django.http import HttpRequest
from django.views import csrf, defaults

# Where applicants.staff_urls is included (queue_booking/urls.py). A plain prefix, not a
# reverse(): the 500 handler must not depend on anything that may have failed.
STAFF_PATH_PREFIX = "/staff/"


def error_template(request: HttpRequest, name: str) -> str:
    """``name`` (e.g. "500.html"), or its staff version for a staff page."""
    return f"staff/{name}" if request.path_info.startswith(STAFF_PATH_PREFIX) else name


def server_error(request: HttpRequest):
    """``handler500``: Django's own, with the staff pages' template for a staff page."""
    return defaults.server_error(request, template_name=error_template(request, defaults.ERROR_500_TEMPLATE_NAME))


def csrf_failure(request: HttpRequest, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: a form sent from a page that is out of date. On the staff
    pages that is most often a tab opened before the officer signed in again."""
    return csrf.csrf_failure(request, reason, template_name=error_template(request, csrf.CSRF_FAILURE_TEMPLATE_NAME))
