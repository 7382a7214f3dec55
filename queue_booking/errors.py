"""The root of every app's exception family.

A service raises a subclass with a stable machine ``code`` and a translated
``message``; the API (``queue_booking.api_errors``) and the HTML views render it. Nothing
else decides how an error looks to a person.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    code = "error"
    status = 400
    message = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, fields: dict[str, list[str]] | None = None, **params: Any):
        self.params = params
        self.fields = fields or {}
        if message is not None:
            self.message = message
        super().__init__(self.code)

    def extra(self) -> dict[str, Any]:
        """Fields an error adds to the API's ``{"code", "detail", "fields"}``, each one
        documented on the operations that can answer with it (none by default)."""
        return {}

    @property
    def detail(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


class NotFound(ServiceError):
    code = "not_found"
    status = 404
    message = _("Not found.")


class Conflict(ServiceError):
    code = "conflict"
    status = 409
    message = _("The request conflicts with the current state.")


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403
    message = _("You do not have permission to do this.")


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429
    message = _("Too many requests. Please wait a moment and try again.")

    def __init__(self, *args: Any, retry_after: int = 60, **kwargs: Any):
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)
