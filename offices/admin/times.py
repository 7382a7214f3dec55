"""Moments in the admin on the clock they belong to, with that clock named.

Django shows an aware datetime on the clock of the current zone (the server's WIB, or
one office's while a page about that office renders) and does not say which. A central
admin reading bookings or counter events across offices saw a WITA office's 09:15 as
"08.15" with nothing to tell it was WIB. Every admin column and read-only field showing
a moment of an office goes through ``zoned_datetime``, on that office's clock.
"""

from collections.abc import Callable
from operator import attrgetter

from django.contrib import admin
from django.db.models import Model

from offices.models import zoned_datetime

__all__ = ["office_time_field", "zoned_datetime"]


def office_time_field(model: type[Model], field_name: str, *, office: str | None = "office") -> Callable:
    """An admin column or read-only field showing ``field_name`` through ``zoned_datetime``.

    It sorts by the field itself and carries the field's label. ``office`` is the
    attribute path from a row to its office (its value may be ``None``); ``None`` for
    rows that belong to no office. Assign it to a ``ModelAdmin`` attribute and name that
    attribute in ``list_display`` / ``readonly_fields``.
    """
    value_of = attrgetter(field_name)
    office_of = attrgetter(office) if office else (lambda obj: None)

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def field(model_admin, obj) -> str:
        value = value_of(obj)
        if value is None:
            return model_admin.get_empty_value_display()
        return zoned_datetime(value, office_of(obj))

    return field
