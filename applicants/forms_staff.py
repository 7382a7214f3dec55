"""Forms of the staff pages. Input shape only: the rules live in the services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from applicants.birth_date import BirthDateField, MemorableDateWidget
from applicants.exceptions_staff import WalkinSessionUnavailable
from applicants.forms import AccessibleFormMixin, PersonChecksMixin, SessionChoiceField, as_field_error, nik_digits
from applicants.identity import phone_normalize
from applicants.models import PriorityGroup, Service
from applicants.services.queue import counter_name_clean
from offices.formats import clock
from offices.models import Track


class CheckinLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code or QR text"),
        max_length=300,
        help_text=_("Type the 8-character code from the proof, or scan the QR."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "inputmode": "text",
            }
        ),
    )


class UnechoedTextInput(forms.TextInput):
    """A text field that never writes back what was typed: a NIK stays off the page."""

    def format_value(self, value):
        return None


class NikLookupForm(AccessibleFormMixin, forms.Form):
    """A person's bookings at this office by the NIK on their e-KTP (sent by POST only)."""

    nik = forms.CharField(
        label=_("NIK on the e-KTP"),
        max_length=24,
        help_text=_("For a person who lost their booking code: 16 digits, from the e-KTP they show."),
        widget=UnechoedTextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_nik(self):
        return as_field_error(nik_digits, self.cleaned_data["nik"])


class CheckinConfirmForm(forms.Form):
    code = forms.CharField(max_length=12, widget=forms.HiddenInput)
    allow_late = forms.BooleanField(label=_("Let this late arrival in (supervisor)"), required=False)


class WalkinForm(AccessibleFormMixin, PersonChecksMixin, forms.Form):
    priority_group = forms.ChoiceField(
        label=_("Priority group"),
        choices=PriorityGroup.choices,
        required=False,
        help_text=_("Elderly, disabled, pregnant and infants are served on the priority track."),
    )
    # Typed by an officer for the person in front of the desk: the errors speak of "the
    # applicant", never "your" as on the applicant's own booking form.
    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 digits, as on the e-KTP."),
        error_messages={"required": _("Enter the applicant's NIK: the 16 digits on their e-KTP.")},
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the applicant's full name as it is written on their e-KTP.")},
    )
    # Typed for someone else: the browser must not offer the officer's own birthday.
    birth_date = BirthDateField(
        label=_("Date of birth"),
        widget=MemorableDateWidget(autocomplete=("off", "off", "off")),
        error_messages={"required": _("Enter the applicant's date of birth.")},
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    # The person's language, not the page's: an officer reading the desk in English must
    # not send an Indonesian applicant English SMS.
    language = forms.ChoiceField(
        label=_("Language of their SMS and email"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=_("Messages about this booking, and the proof printed for them, are in this language."),
    )
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices, initial=Service.NEW)
    track = forms.ChoiceField(
        label=_("Track"),
        choices=[(Track.REGULAR.value, Track.REGULAR.label), (Track.EXPRESS.value, Track.EXPRESS.label)],
        initial=Track.REGULAR,
        required=False,
        help_text=_("Only when the office runs without online booking; priority groups always go on priority."),
    )
    # A session closed or ended since the page was shown is no longer among the choices:
    # said as the service says a full one, not as Django's "not one of the available
    # choices" with the session's internal id.
    session = SessionChoiceField(
        label=_("Session"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": WalkinSessionUnavailable.message},
    )

    def __init__(self, *args, sessions=(), online_booking: bool = False, **kwargs):
        """``sessions``: today's sessions a walk-in could still join, full ones included
        (``walkin_day_sessions``). Only those with a free place are offered.
        ``online_booking``: the office takes online bookings, so only the priority groups
        may walk in; "None" is then not offered as the answer already chosen, which the
        service would refuse once the whole form was typed (``walkin_track``). Left
        unchosen, the service's refusal says why and what to do instead."""
        super().__init__(*args, **kwargs)
        if online_booking:
            self.fields["priority_group"].choices = [("", _("Choose the priority group"))] + [
                (value, label) for value, label in PriorityGroup.choices if value
            ]
        # Each choice is one session on one track, with that track's own places: a full one
        # is a place nobody can take, so it is left out rather than shown disabled.
        self.sessions_with_room = [slot for slot in sessions if slot.available > 0]
        field = self.fields["session"]
        field.choices = [("", _("Earliest with room"))] + [
            (
                slot.id,
                f"{clock(slot.start)}–{clock(slot.end)} · {slot.get_track_display()} · "
                + str(_("%(n)s free") % {"n": slot.available}),
            )
            for slot in self.sessions_with_room
        ]
        field.accepted = frozenset(str(slot.id) for slot in sessions)

    def clean_phone(self):
        # Optional at the desk; checked as a booking's when given.
        phone = self.cleaned_data["phone"].strip()
        return as_field_error(phone_normalize, phone) if phone else ""


COUNTER_TRACK_CHOICES = [("", _("Every track, priority first")), *Track.choices]


class CounterTrackForm(forms.Form):
    track = forms.ChoiceField(
        label=_("Calls"),
        choices=COUNTER_TRACK_CHOICES,
        required=False,
        help_text=_("A counter kept for express or for the priority groups calls only that track's numbers."),
    )


class CounterOpenForm(CounterTrackForm):
    name = forms.CharField(
        label=_("Counter name"), max_length=40, help_text=_("For example: Loket 1."), widget=forms.TextInput()
    )
    field_order = ["name", "track"]

    def clean_name(self):
        return as_field_error(counter_name_clean, self.cleaned_data["name"])


class StopServiceForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: everyone not yet served today is moved to another date and told."), required=True
    )


class DayListForm(forms.Form):
    """Which day's list to show; ``first`` and ``last`` bound the dates (office time)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, first, last, **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.last = first, last
        self.fields["date"].widget.attrs.update({"min": first.isoformat(), "max": last.isoformat()})

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not self.first <= date <= self.last:
            raise forms.ValidationError(
                _("Choose a date from %(first)s to %(last)s."),
                code="out_of_range",
                params={"first": self.first.strftime("%d-%m-%Y"), "last": self.last.strftime("%d-%m-%Y")},
            )
        return date


class PaperServedForm(forms.Form):
    """The people a supervisor ticks on the day list as served on paper."""

    served = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={
            "required": _("Tick at least one person served on paper."),
            "invalid_choice": _("The list changed meanwhile: look at it again and tick once more."),
        },
    )

    def __init__(self, *args, booking_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served"].choices = [(booking_id, booking_id) for booking_id in booking_ids]


class LinkRenewForm(forms.Form):
    """Renewing a booking's secret link at the desk, for the person it belongs to."""

    identity_checked = forms.BooleanField(
        label=_("I have checked the person's KTP: the name and NIK match this booking."),
        required=True,
        error_messages={"required": _("Check the person's KTP first: only they may get a new link.")},
    )
