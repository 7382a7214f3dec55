"""Personal identifiers: the NIK, phone numbers and email addresses.

A NIK (Nomor Induk Kependudukan) is 16 digits: a 6-digit region code (province,
regency/city, district), the birth date as DDMMYY with 40 added to the day for women,
and a 4-digit serial. It is personal data: it is kept encrypted (Fernet, keys rotate)
with a keyed HMAC as blind index for look-ups, and shown only masked.
"""

import calendar
import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from applicants.exceptions import InvalidEmail, InvalidName, InvalidNik, InvalidPhone, NikBirthDateMismatch

# Province codes of the Ministry of Home Affairs (Kemendagri), including the Papua
# provinces formed in 2022 (92-96); NIKs issued there before still carry 91 or 94.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

# Only ASCII digits: str.isdigit() would also accept Arabic-Indic or full-width digits.
_SIXTEEN_ASCII_DIGITS = re.compile(r"[0-9]{16}", re.ASCII)
# People copy NIKs with spaces or dashes between groups; nothing else is tolerated.
_NIK_SEPARATORS = re.compile(r"[ \-.]")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region: str
    birth_day: int
    birth_month: int
    birth_yy: int
    sex: str  # "F" or "M", as Applicant.Sex
    serial: str

    @property
    def masked(self) -> str:
        return nik_mask(self.nik)


def _invalid(message) -> InvalidNik:
    return InvalidNik(message, fields={"nik": [str(message)]})


def nik_parse(raw: str) -> NikInfo:
    """Check a NIK's shape and return what it encodes; raise ``InvalidNik`` if it is not one."""
    if not isinstance(raw, str):
        raise _invalid(InvalidNik.message)
    nik = _NIK_SEPARATORS.sub("", raw.strip())
    if len(nik) != 16:
        raise _invalid(_("A NIK has exactly 16 digits."))
    if not _SIXTEEN_ASCII_DIGITS.fullmatch(nik):
        raise _invalid(_("A NIK contains only the digits 0-9."))
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCE_CODES or regency == "00" or district == "00":
        raise _invalid(_("The first six digits of the NIK are not a region code."))
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > 40 else "M"
    if sex == "F":
        day -= 40
    if not 1 <= month <= 12:
        raise _invalid(_("Digits 9-10 of the NIK are not a month of birth."))
    if not 1 <= day <= 31:
        raise _invalid(_("Digits 7-8 of the NIK are not a day of birth (women add 40 to the day)."))
    # The NIK does not say the century: the date must exist in one of them (29
    # February of year "00" exists, 2000 being a leap year).
    if not any(day <= calendar.monthrange(century + yy, month)[1] for century in (1900, 2000)):
        raise _invalid(_("Digits 7-12 of the NIK are not a real date of birth."))
    serial = nik[12:16]
    if serial == "0000":
        raise _invalid(_("The last four digits of a NIK are never 0000."))
    return NikInfo(
        nik=nik,
        region=nik[0:6],
        birth_day=day,
        birth_month=month,
        birth_yy=yy,
        sex=sex,
        serial=serial,
    )


def nik_check_birth_date(info: NikInfo, birth_date: dt.date) -> None:
    """The birth date given must be the one in the NIK; raise ``NikBirthDateMismatch``."""
    if (birth_date.day, birth_date.month, birth_date.year % 100) != (info.birth_day, info.birth_month, info.birth_yy):
        raise NikBirthDateMismatch(fields={"birth_date": [str(NikBirthDateMismatch.message)]})


def nik_mask(nik: str) -> str:
    """``3578********0001``: the region and serial stay readable for staff, the birth date does not."""
    return f"{nik[:4]}{'*' * (len(nik) - 8)}{nik[-4:]}"


_MASK = "\u2022\u2022\u2022"


def email_masked(email: str) -> str:
    """``siti@example.org`` → ``s•••@e•••.org``: enough for the person to know which."""
    local, _at, domain = email.partition("@")
    name, dot, tld = domain.rpartition(".")
    if not name:
        name, dot, tld = domain, "", ""
    return f"{local[:1]}{_MASK}@{name[:1]}{_MASK}{dot}{tld}"


def phone_masked(phone: str) -> str:
    """``+6281234567890`` → ``•••7890``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"{_MASK}{digits[-4:]}"


def phone_readable(phone: str) -> str:
    """``+6281234567890`` → ``0812-3456-7890``, as Indonesians write a number (a foreign one
    keeps its country code: ``+1 202-555-0100``), for the person to check what they typed."""
    try:
        number = phonenumbers.parse(phone, "ID")
    except phonenumbers.NumberParseException:
        return phone
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 62
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def nik_hash(nik: str) -> str:
    """Keyed blind index: equal for equal NIKs, useless without ``NIK_HASH_KEY``.

    A plain hash would not do: the NIK space is small and structured enough to be
    enumerated.
    """
    return hmac.new(settings.NIK_HASH_KEY.encode(), nik.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def personal_fernet() -> MultiFernet:
    """The first key of ``NIK_ENCRYPTION_KEYS`` encrypts; every listed key decrypts."""
    return _fernet_for(tuple(settings.NIK_ENCRYPTION_KEYS))


def secret_encrypt(value: str) -> str:
    return personal_fernet().encrypt(value.encode()).decode()


def secret_decrypt(token: str, *, ttl: int | None = None) -> str:
    """Raise ``cryptography.fernet.InvalidToken`` when no configured key opens it, or
    when it is older than ``ttl`` seconds."""
    return personal_fernet().decrypt(token.encode(), ttl=ttl).decode()


def secret_rotate(token: str) -> str:
    """Re-encrypt with the newest key (for key rotation)."""
    return personal_fernet().rotate(token.encode()).decode()


# Numbers this process normalized lately, by what was given and by the result (E.164
# normalizes to itself). Every way in checks the phone first, and saving the person
# checks it again: parsing is about 45 µs each time. Bounded; only valid numbers enter.
_PHONES_SEEN: dict[str, str] = {}
_PHONES_SEEN_MAX = 4096


def visible_text(raw: str) -> str:
    """Typed text as others will read it: invisible characters (zero-width spaces, joiners,
    byte-order marks, right-to-left overrides) removed, control characters and runs of
    spaces made one space."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in (raw or "")
        if unicodedata.category(ch) != "Cf"
    )
    return " ".join(text.split())


def person_name_clean(raw: str) -> str:
    """A name as staff will read it at the desk (``visible_text``). A name with no letter
    left is refused (``InvalidName``): "\u200b\u200b" passed every check and showed as
    nothing at check-in."""
    name = visible_text(raw)
    if not any(ch.isalpha() for ch in name):
        raise InvalidName(fields={"full_name": [str(InvalidName.message)]})
    return name


# Numbers that can receive SMS or WhatsApp. Some countries' plans do not tell mobile from
# fixed numbers (the United States'): those are accepted.
_TEXTABLE = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})
LANDLINE = _("This is a landline number, which cannot receive SMS: enter a mobile number, for example 0812 3456 7890.")


def phone_normalize(raw: str) -> str:
    """Any way Indonesians write a number ("0812-...", "62812...", "+62 812 ...") to E.164."""
    text = (raw or "").strip()
    seen = _PHONES_SEEN.get(text)
    if seen is not None:
        return seen
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(fields={"phone": [str(InvalidPhone.message)]}) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(fields={"phone": [str(InvalidPhone.message)]})
    if phonenumbers.number_type(number) not in _TEXTABLE:
        # A landline (021 ..., 0361 ...) is a valid number that never gets the messages
        # about the booking: the field asks for a number that can receive SMS.
        raise InvalidPhone(LANDLINE, fields={"phone": [str(LANDLINE)]})
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(_PHONES_SEEN) >= _PHONES_SEEN_MAX:
        _PHONES_SEEN.clear()
    _PHONES_SEEN[text] = _PHONES_SEEN[e164] = e164
    return e164


def email_normalize(raw: str) -> str:
    """Empty stays empty (email is optional); the domain part is lower-cased."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError as exc:
        raise InvalidEmail(fields={"email": [str(InvalidEmail.message)]}) from exc
    local, _sep, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
