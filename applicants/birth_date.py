"""The date of birth as three boxes: day, month, year (the "memorable date" pattern of the
GOV.UK design system).

A browser's own date input shows the date in the browser's locale (mm/dd/yyyy on an
English phone, where Indonesians read dd/mm/yyyy), and a phone's date picker makes a
person scroll back decades. Three numeric boxes read the same in every browser and work
without JavaScript.

The month is a numeric box, not a list of month names: the e-KTP prints the date of birth
as digits (17-08-1990) and the NIK holds it as DDMMYY, so a person copies digits from the
card, and one numeric keypad serves all three boxes.

Each error names the part that is wrong ("Date of birth must include a month") and only that
part is marked invalid; the error summary links to it (``first_invalid_part``).
"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DAY, MONTH, YEAR = 0, 1, 2
PARTS = (DAY, MONTH, YEAR)


class _DateParts:
    """What the day, month and year boxes hold, as three strings, kept as typed."""

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            # An ISO date, e.g. an initial value.
            try:
                return self.decompress(dt.date.fromisoformat(value))
            except ValueError:
                return [None, None, None]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if not any(f"{name}_{part}" in data for part in PARTS) and name in data:
            # A page rendered before the three boxes (one YYYY-MM-DD input) still sends
            # its date: a person's open page must not break when we deploy.
            return self.decompress(data.get(name))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class MemorableDateWidget(_DateParts, forms.MultiWidget):
    """Three labelled numeric boxes; the page puts them in a fieldset with a legend."""

    template_name = "applicants/widgets/memorable_date.html"
    part_labels = (
        pgettext_lazy("date part", "Day"),
        pgettext_lazy("date part", "Month"),
        pgettext_lazy("date part", "Year"),
    )

    def __init__(self, attrs=None, *, autocomplete: tuple[str, str, str] = ("bday-day", "bday-month", "bday-year")):
        # No maxlength: it silently cuts what a person pastes; the field says what is wrong.
        widgets = [
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": autocomplete[part], "spellcheck": "false", "class": css}
            )
            for part, css in zip(PARTS, ("date-day", "date-month", "date-year"), strict=True)
        ]
        super().__init__(widgets, attrs)
        # Set by the field when it refuses the value: which boxes to mark invalid.
        # None marks all of them (a real date that disagrees with the NIK, say).
        self.invalid_parts: tuple[int, ...] | None = None

    @property
    def first_invalid_part(self) -> int:
        return (self.invalid_parts or PARTS)[0]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for part, subwidget in enumerate(context["widget"]["subwidgets"]):
            subwidget["label"] = self.part_labels[part]
            if self.invalid_parts is not None and part not in self.invalid_parts:
                subwidget["attrs"].pop("aria-invalid", None)
        return context

    def id_for_label(self, id_):
        # The legend names the group; each box has its own label.
        return ""


class MemorableDateHiddenWidget(_DateParts, forms.MultiWidget):
    """The three parts as hidden inputs, to carry them through the review page."""

    def __init__(self, attrs=None):
        super().__init__([forms.HiddenInput(), forms.HiddenInput(), forms.HiddenInput()], attrs)


class BirthDateField(forms.MultiValueField):
    """A date of birth typed as day, month and year; never in the future, not before 1900."""

    widget = MemorableDateWidget
    hidden_widget = MemorableDateHiddenWidget
    # Every message names the date of birth, so it reads alone in the error summary too
    # (``AccessibleFormMixin.error_summary`` puts no label before it). Each names the part
    # as its box is labelled ("Day": "Tanggal" in Indonesian, where "tanggal lahir" alone
    # would be the whole date).
    default_error_messages = {
        "required": _("Enter your date of birth."),
        "missing_day": _("Date of birth must include a day."),
        "missing_month": _("Date of birth must include a month."),
        "missing_year": _("Date of birth must include a year."),
        "missing_day_month": _("Date of birth must include a day and month."),
        "missing_day_year": _("Date of birth must include a day and year."),
        "missing_month_year": _("Date of birth must include a month and year."),
        "invalid_day": _("Check the date of birth: the day must be a number from 1 to 31."),
        "invalid_month": _("Check the date of birth: the month must be a number from 1 to 12."),
        "invalid_year": _("Check the date of birth: the year must have 4 digits, for example 1990."),
        "invalid_date": _("Enter a real date of birth, for example 17 8 1990."),
        "future": _("The date of birth cannot be in the future."),
        "too_early": _("Check the date of birth: the year must be 1900 or later."),
    }
    _names = {DAY: "day", MONTH: "month", YEAR: "year"}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("For example 17 8 1990"))
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, **kwargs)

    def _refuse(self, code: str, parts: tuple[int, ...] | None = None):
        self.widget.invalid_parts = parts
        return forms.ValidationError(self.error_messages[code], code=code)

    def clean(self, value):
        self.widget.invalid_parts = None
        texts = [str(v).strip() if v is not None else "" for v in (list(value or []) + ["", "", ""])[:3]]
        if not any(texts):
            if self.required:
                raise self._refuse("required")
            return None
        missing = tuple(part for part in PARTS if not texts[part])
        if missing:
            raise self._refuse("missing_" + "_".join(self._names[part] for part in missing), missing)

        day, month, year = (int(text) if text.isdecimal() else None for text in texts)
        wrong = []
        if day is None or not 1 <= day <= 31:
            wrong.append(DAY)
        if month is None or not 1 <= month <= 12:
            wrong.append(MONTH)
        if year is None or len(texts[YEAR]) != 4:
            wrong.append(YEAR)
        if len(wrong) == 1:
            raise self._refuse(f"invalid_{self._names[wrong[0]]}", tuple(wrong))
        if wrong:
            raise self._refuse("invalid_date", tuple(wrong))
        try:
            value = dt.date(year, month, day)
        except ValueError:
            # 31 2 1990: each part could be right, the date is not.
            raise self._refuse("invalid_date", (DAY, MONTH)) from None
        if value > timezone.localdate():
            raise self._refuse("future")
        if value.year < 1900:
            raise self._refuse("too_early", (YEAR,))
        self.run_validators(value)
        return value

    def compress(self, data_list):  # clean() above builds the date itself
        raise NotImplementedError
