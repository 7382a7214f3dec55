"""HTML forms for applicants. Checks of shape only; the rules live in the services.

Errors raised by services (``ServiceError.fields``) are put back onto the field they
name with ``form_add_service_error``, so a person sees every error beside its field,
translated, whatever layer found it.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext, pgettext_lazy

from applicants.birth_date import BirthDateField, MemorableDateWidget
from applicants.exceptions import BookingError
from applicants.identity import email_normalize, nik_check_birth_date, nik_parse, person_name_clean, phone_normalize
from applicants.models import Service
from applicants.proof import CODE_SHAPE, is_code_shaped
from offices.formats import time_range
from offices.models import Track
from offices.pages import DayView
from offices.selectors.availability import online_tracks
from queue_booking.errors import ServiceError

IF_FULL_REJECT = "reject"
IF_FULL_NEXT = "next_available"


# The code of a form error that is a refusal, not a mistake to correct (``AccessibleFormMixin.refuse``).
REFUSAL = "refusal"


class AccessibleFormMixin:
    """Every invalid input points at its error message (``aria-describedby``).

    Django marks invalid inputs ``aria-invalid`` and links help texts itself; the
    error paragraph's id is added here so a screen reader reads the error with the field.
    """

    def _post_clean(self):
        super()._post_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            widget = self.fields[name].widget
            if isinstance(widget, forms.MultiWidget):
                continue  # its fieldset points at the error (templates/applicants/_field.html)
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            widget.attrs["aria-describedby"] = " ".join(described)

    def refuse(self, message: str) -> None:
        """Add an error the person cannot correct in the form: the answer to a valid input
        ("too many attempts", "no booking matches", "too late to change"). The summary
        shows it without "Please correct the following:" (``_error_summary.html``)."""
        self.add_error(None, forms.ValidationError(message, code=REFUSAL))

    def refusals(self) -> list[str]:
        return [
            str(message) for error in self.non_field_errors().as_data() if error.code == REFUSAL for message in error
        ]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the summary at the top of the form: what to correct."""
        items = [
            ("", str(message))
            for error in self.non_field_errors().as_data()
            if error.code != REFUSAL
            for message in error
        ]
        # In the page's order: a check across fields (the NIK against the birth date)
        # finds its error after the fields' own, which put it below a later field.
        for name in self.fields:
            errors = self.errors.get(name)
            if errors:
                field = self[name]
                anchor = field.auto_id
                widget = self.fields[name].widget
                if isinstance(widget, forms.RadioSelect):
                    anchor = f"{field.auto_id}_0"
                elif isinstance(widget, MemorableDateWidget):
                    anchor = f"{field.auto_id}_{widget.first_invalid_part}"
                    # Its messages name the date of birth: "Date of birth: Date of birth
                    # must include a day" would say it twice.
                    items.extend((anchor, str(message)) for message in errors)
                    continue
                items.extend((anchor, f"{field.label}: {message}") for message in errors)
        return items


# Django's own messages that a form of the product can show (a value the page never
# offered, a tampered or stale address), said in the product's words by its catalogue
# (Django's Indonesian says "Masukkan pilihan yang valid", "tanggal yang valid"); named
# here only so that `makemessages` keeps them. "This field is required." is in
# ``queue_booking.api_errors.DRF_MESSAGES``.
DJANGO_FORM_MESSAGES = (
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a valid date."),
)


# Errors that name no field but plainly belong beside one.
FIELD_OF_ERROR = {
    "session_full": "session",
    "session_closed": "session",
    "session_not_found": "session",
    "date_not_released": "session",
    "track_not_allowed": "track",
    "active_booking_exists": "nik",
}


def form_add_service_error(form: forms.Form, exc: ServiceError, *, refusal: bool = False) -> None:
    """Put a service's error beside the fields it names, else at the top of the form;
    there, with ``refusal``, as a refusal (``AccessibleFormMixin.refuse``) rather than
    a mistake to correct."""
    fallback = FIELD_OF_ERROR.get(exc.code)
    if not exc.fields and fallback in form.fields:
        form.add_error(fallback, exc.detail)
        return
    placed = False
    for name, messages in (exc.fields or {}).items():
        field = name.split(".")[-1]
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, forms.ValidationError(exc.detail, code=REFUSAL) if refusal else exc.detail)


def as_field_error(check, value):
    """``check(value)``, a service's error raised by it becoming the field's error."""
    try:
        return check(value)
    except ServiceError as exc:
        raise forms.ValidationError(exc.detail, code=exc.code) from exc


def nik_digits(raw: str) -> str:
    """The NIK as 16 digits (``InvalidNik`` otherwise)."""
    return nik_parse(raw).nik


class PersonChecksMixin:
    """The person's name, NIK and birth date checked on their fields as the booking
    service checks them, so that every bad field is reported at once (a bad NIK beside a
    missing name, not after it). The booking form and the walk-in desk share it."""

    def clean_full_name(self):
        return as_field_error(person_name_clean, self.cleaned_data["full_name"])

    def clean_nik(self):
        return as_field_error(nik_digits, self.cleaned_data["nik"])

    def clean(self):
        cleaned = super().clean()
        nik, birth_date = cleaned.get("nik"), cleaned.get("birth_date")
        if nik and birth_date:
            try:
                nik_check_birth_date(nik_parse(nik), birth_date)
            except BookingError as exc:
                self.add_error("birth_date", forms.ValidationError(exc.detail, code=exc.code))
        return cleaned


class ApplicantFieldsMixin(PersonChecksMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name (as on the e-KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name as it is written on your e-KTP.")},
    )
    nik = forms.CharField(
        label=_("NIK (national identity number)"),
        help_text=_("16 digits, printed on the e-KTP and the family card (KK)."),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter your NIK: the 16 digits on your e-KTP or family card (KK).")},
    )
    birth_date = BirthDateField(label=_("Date of birth"))
    phone = forms.CharField(
        label=_("Mobile phone number"),
        help_text=_("For SMS or WhatsApp messages about your booking."),
        max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter a mobile number that can receive SMS, for example 0812 3456 7890.")},
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("We send the proof of registration here too."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_phone(self):
        return as_field_error(phone_normalize, self.cleaned_data["phone"])

    def clean_email(self):
        return as_field_error(email_normalize, self.cleaned_data.get("email", ""))


# What each track means, said beside its choice: the names alone ("Percepatan") told a
# person nothing of the fee or of who may use it. No amounts and no durations: the
# government sets the tariff, and the office says how soon a passport is ready.
TRACK_HINTS = {
    Track.REGULAR.value: _("The standard service."),
    Track.EXPRESS.value: _(
        "Your passport can be finished sooner, for example on the same day, for an additional fee "
        "under the government's tariff, paid at the office."
    ),
    Track.PRIORITY.value: _(
        "For the priority groups: the elderly, people with a disability, pregnant women, babies and toddlers."
    ),
}


class RadioSelectWithHints(forms.RadioSelect):
    """Radio buttons whose choices may each carry a hint (``hints``: value -> text),
    shown under the choice and read with it (``aria-describedby``)."""

    def __init__(self, *args, hints: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = hints or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        hint = self.hints.get(str(value))
        if hint and option["attrs"].get("id"):
            option["hint"] = hint
            option["hint_id"] = f"{option['attrs']['id']}_hint"
            option["attrs"] = {**option["attrs"], "aria-describedby": option["hint_id"]}
        return option


def _places(count: int) -> str:
    if count <= 0:
        return str(pgettext_lazy("session", "full"))
    return ngettext("%(count)d place left", "%(count)d places left", count) % {"count": count}


def _tracks_of(day: DayView) -> list[str]:
    """The online tracks this date's sessions have places in: an office without express
    sessions offered "Percepatan", and choosing it was refused only once sent. All online
    tracks when the date has no session to tell (the page then says why)."""
    tracks = online_tracks()
    held = {entry["track"] for session in day.sessions for entry in session["tracks"]}
    return [t for t in tracks if t in held] or tracks


class BookingForm(AccessibleFormMixin, ApplicantFieldsMixin, forms.Form):
    """Session and track of one date, the service, the applicant, and what to do when full."""

    session = forms.ChoiceField(
        label=_("Session"), widget=forms.RadioSelect, error_messages={"required": _("Choose a session.")}
    )
    track = forms.ChoiceField(
        label=_("Track"),
        widget=RadioSelectWithHints,
        error_messages={
            "required": _("Choose a track."),
            # Only the tracks the date has sessions for are offered (``_tracks_of``).
            "invalid_choice": _("This date has no sessions for this track. Choose another track."),
        },
    )
    service = forms.ChoiceField(
        label=_("Service"),
        choices=Service.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the service you need.")},
    )
    if_full = forms.ChoiceField(
        label=_("If the session is full"),
        error_messages={"required": _("Choose what should happen if the session is full.")},
        choices=[
            (IF_FULL_REJECT, _("Tell me, so I can choose another date or office")),
            (IF_FULL_NEXT, _("Move me to the next available date at this office")),
        ],
        initial=IF_FULL_REJECT,
        widget=forms.RadioSelect,
    )
    field_order = ["session", "track", "service", "full_name", "nik", "birth_date", "phone", "email", "if_full"]

    def __init__(self, *args, office, day: DayView, kept_errors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.day = day
        # Errors the booking service gave when this form was sent (field or "", message,
        # code): shown again with the form's own (``applicants.views.booking_draft``).
        self.kept_errors = list(kept_errors)
        tracks = _tracks_of(day)
        labels = dict(Track.choices)
        self.fields["track"].choices = [(t, labels[t]) for t in tracks]
        # Hints of the tracks offered here only: priority is not, unless online booking opens it.
        self.fields["track"].widget.hints = {t: TRACK_HINTS[t] for t in tracks}
        self.fields["track"].initial = Track.REGULAR.value if Track.REGULAR.value in tracks else tracks[0]
        self.fields["service"].initial = Service.NEW.value
        session_choices = []
        for session in day.sessions:
            per_track = ", ".join(f"{t['label']}: {_places(t['available'])}" for t in session["tracks"])
            when = time_range(session["start"], session["end"], office)
            session_choices.append((session["start"].strftime("%H:%M"), f"{when} ({per_track})"))
        self.fields["session"].choices = session_choices
        if len(session_choices) == 1:
            self.fields["session"].initial = session_choices[0][0]
        # Set by clean() when the date is full and no session was chosen.
        self.any_session = False
        if day.state == "full":
            # Every session is full: a request to be moved to the next available date
            # waits for the earliest free place on or after the date, in any session.
            self.fields["session"].required = False
            self.fields["session"].help_text = _(
                "Every session on this date is full. You need not choose one: a request to be moved "
                "gets the earliest free place on or after this date, in any session."
            )

    @classmethod
    def initial_from(cls, data) -> dict:
        """What the review page sent back, as initial values: "Change details" shows it again."""
        values = {name: field.widget.value_from_datadict(data, {}, name) for name, field in cls.base_fields.items()}
        return {name: value for name, value in values.items() if value is not None}

    def slot_id(self) -> int | None:
        """The capacity row for the chosen session and track (None if the pair has none)."""
        start, track = self.cleaned_data["session"], self.cleaned_data["track"]
        for session in self.day.sessions:
            if session["start"].strftime("%H:%M") == start:
                for entry in session["tracks"]:
                    if entry["track"] == track:
                        return entry["id"]
        return None

    def slot_available(self) -> int:
        start, track = self.cleaned_data["session"], self.cleaned_data["track"]
        for session in self.day.sessions:
            if session["start"].strftime("%H:%M") == start:
                for entry in session["tracks"]:
                    if entry["track"] == track:
                        return entry["available"]
        return 0

    def _first_session_of(self, track: str) -> str:
        for session in self.day.sessions:
            if any(entry["track"] == track for entry in session["tracks"]):
                return session["start"].strftime("%H:%M")
        return ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("session") and "session" not in self.errors and not self.fields["session"].required:
            if cleaned.get("if_full") != IF_FULL_NEXT:
                self.add_error(
                    "if_full",
                    _("This date is full: choose “Move me to the next available date”, or choose another date."),
                )
                return cleaned
            if cleaned.get("track"):
                # The request names the date's first session of the track; which one
                # does not matter, as it waits for the earliest free place anyway.
                cleaned["session"] = self._first_session_of(cleaned["track"])
                self.any_session = bool(cleaned["session"])
        if cleaned.get("session") and cleaned.get("track"):
            if self.slot_id() is None:
                self.add_error("track", _("This track has no places in the chosen session. Choose another."))
            elif self.slot_available() <= 0 and cleaned.get("if_full") != IF_FULL_NEXT:
                # A display number may be seconds old; the service decides for real on
                # confirmation, this only saves a person a wasted step.
                self.add_error(
                    "session",
                    _("This session is full. Choose another session, or ask for the next available date."),
                )
        return cleaned

    def _post_clean(self):
        # Added before ``AccessibleFormMixin._post_clean``, so that the fields they name
        # point at them. A field found wrong again now says so in today's words only.
        for name, message, code in self.kept_errors:
            name = name if name in self.fields else None
            shown = self.errors.get(name or NON_FIELD_ERRORS, [])
            if (name and shown) or message in shown:
                continue
            self.add_error(name, forms.ValidationError(message, code=code or None))
        super()._post_clean()


# What every booking code looks like (``applicants.proof.CODE_ALPHABET``: no 0, 1, I or O).


class LookupForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        help_text=_("8 characters, on your proof of registration."),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your booking code: 8 characters, on your proof of registration and in our SMS."),
            "max_length": CODE_SHAPE,
        },
    )
    nik = ApplicantFieldsMixin.base_fields["nik"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper().replace(" ", "").replace("-", "")
        # The shape of a code is public: saying a mistyped one can be no code tells
        # nothing about which codes exist, and spends no attempt of the rate limit.
        if not is_code_shaped(code):
            raise forms.ValidationError(CODE_SHAPE, code="invalid_code")
        return code

    def clean_nik(self):
        return as_field_error(nik_digits, self.cleaned_data["nik"])


class CancelForm(AccessibleFormMixin, forms.Form):
    # Our own translated error in the summary, not the browser's "required" bubble in
    # the browser's language (which also never reaches a screen reader's summary).
    use_required_attribute = False

    confirm = forms.BooleanField(
        label=_("Yes, cancel this booking"),
        error_messages={"required": _("Tick “Yes, cancel this booking” if you are sure.")},
    )

    def error_summary(self) -> list[tuple[str, str]]:
        # The message names the box already: "Yes, cancel this booking: Tick “Yes, ...”" would say it twice.
        return [(self["confirm"].auto_id, str(message)) for message in self.errors.get("confirm", [])]


class SessionChoiceField(forms.TypedChoiceField):
    """Offers the sessions with room, and also accepts (``accepted``) one that filled after
    the form was shown: the service then refuses it in its own words ("session_full",
    "no room left"), and the page says so plainly, where the field would only say "not one
    of the available choices" with the session's internal id. The reschedule page and the
    walk-in desk use it."""

    accepted: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or str(value) in self.accepted


class RescheduleForm(AccessibleFormMixin, forms.Form):
    session = SessionChoiceField(
        label=_("Session"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a session."),
            "invalid_choice": _("Choose one of the sessions shown."),
        },
    )

    def __init__(self, *args, office, day: DayView, track: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.day = day
        self.track = track
        choices = []
        # Every session of the date on the booking's track, full ones included: see SessionChoiceField.
        self.slot_ids: dict[str, int] = {}
        for session in day.sessions:
            for entry in session["tracks"]:
                if entry["track"] != track:
                    continue
                key = str(entry["id"])
                self.slot_ids[key] = entry["id"]
                if entry["available"] > 0:
                    when = time_range(session["start"], session["end"], office)
                    choices.append((key, f"{when} ({_places(entry['available'])})"))
        self.fields["session"].choices = choices
        self.fields["session"].accepted = frozenset(self.slot_ids)


class NewContactMixin:
    """Cleans optional ``phone`` and ``email`` fields as the booking form checks them:
    empty stays empty ("keep the current one"), anything else is normalized or gets the
    normalizer's translated error. The applicant's own change and a supervisor's
    correction in the admin share it."""

    def _normalized(self, name: str, normalize) -> str:
        value = self.cleaned_data[name].strip()
        if not value:
            return ""
        try:
            return normalize(value)
        except ServiceError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc

    def clean_phone(self) -> str:
        return self._normalized("phone", phone_normalize)

    def clean_email(self) -> str:
        return self._normalized("email", email_normalize)


class ContactChangeForm(AccessibleFormMixin, NewContactMixin, forms.Form):
    """A new phone number and/or email address, checked as the booking form checks them.

    Empty keeps a field. The email can also be removed (the booking form asks for none);
    the phone only replaced, as the booking form requires one.
    """

    use_required_attribute = False

    phone = forms.CharField(
        label=_("New mobile phone number"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("New email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    remove_email = forms.BooleanField(label=_("Remove my email address: send me messages by SMS only"), required=False)

    def __init__(self, *args, phone_masked: str, email_masked: str, **kwargs):
        super().__init__(*args, **kwargs)
        if phone_masked:
            self.fields["phone"].help_text = _("Now %(contact)s. Leave empty to keep it.") % {"contact": phone_masked}
        else:
            self.fields["phone"].help_text = _("For SMS or WhatsApp messages about your booking.")
        if email_masked:
            self.fields["email"].help_text = _("Now %(contact)s. Leave empty to keep it.") % {"contact": email_masked}
        else:
            self.fields["email"].help_text = _("We send the proof of registration here too.")
            del self.fields["remove_email"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_email") and cleaned.get("email"):
            self.add_error("email", _("Enter a new email address or remove it, not both."))
        elif not self.errors and not (cleaned.get("phone") or cleaned.get("email") or cleaned.get("remove_email")):
            self.add_error(None, _("Enter a new phone number or email address."))
        return cleaned

    def changes(self) -> dict[str, str | None]:
        """``booking_contact_change``'s ``phone`` and ``email``: ``None`` keeps, ``""`` removes."""
        data = self.cleaned_data
        email = "" if data.get("remove_email") else (data["email"] or None)
        return {"phone": data["phone"] or None, "email": email}
