"""factory-boy factories: personas and the rows they act on."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from applicants import identity
from offices.models import Office, OfficeMembership, SessionTemplate, Slot


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"office-{n}")
    name = factory.LazyAttribute(lambda o: f"Kantor Imigrasi {o.code.title()}")
    kind = Office.Kind.KANIM
    province = "Jawa Timur"
    city = "Surabaya"
    address = "Jl. Raya Juanda No. 2, Sedati, Sidoarjo"
    latitude = factory.Faker("pydecimal", left_digits=1, right_digits=4, min_value=-7.5, max_value=-7.0)
    longitude = factory.Faker("pydecimal", left_digits=3, right_digits=4, min_value=112, max_value=113)
    timezone = "Asia/Jakarta"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeMembership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = OfficeMembership.Role.OFFICER


class StaffFactory(UserFactory):
    """A user who belongs to an office: ``StaffFactory(membership__office=o, membership__role=...)``."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True
    membership = factory.RelatedFactory(MembershipFactory, factory_related_name="user")


class SessionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionTemplate

    office = factory.SubFactory(OfficeFactory)
    weekday = 0
    start = dt.time(8, 0)
    end = dt.time(10, 0)
    capacity_regular = 50
    capacity_express = 10
    capacity_priority = 5


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    office = factory.SubFactory(OfficeFactory)
    date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))  # noqa: DTZ011
    start = dt.time(8, 0)
    end = dt.time(10, 0)
    track = "regular"
    capacity = 50
    booked = 0


# --- Applicants and bookings (booking core) -------------------------------------------


def make_nik(birth_date: dt.date, *, female: bool = False, serial: int = 1, region: str = "357801") -> str:
    """A valid NIK for ``birth_date``: region, DDMMYY (day + 40 for women), serial."""
    day = birth_date.day + (40 if female else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


class ApplicantFactory(factory.django.DjangoModelFactory):
    """An applicant with a real encrypted NIK and blind index: ``ApplicantFactory(nik=...)``."""

    class Meta:
        model = "applicants.Applicant"
        exclude = ("nik",)

    birth_date = dt.date(1990, 1, 1)
    nik = factory.Sequence(lambda n: make_nik(dt.date(1990, 1, 1), serial=n % 9999 + 1, region=f"35{n % 89 + 10}01"))
    nik_hash = factory.LazyAttribute(lambda a: identity.nik_hash(a.nik))
    nik_encrypted = factory.LazyAttribute(lambda a: identity.secret_encrypt(a.nik))
    nik_masked = factory.LazyAttribute(lambda a: identity.nik_mask(a.nik))
    full_name = factory.Sequence(lambda n: f"Pemohon {n}")
    sex = "M"
    phone = "+6281234567890"
    email = factory.Sequence(lambda n: f"pemohon{n}@example.org")
    language = "id"
