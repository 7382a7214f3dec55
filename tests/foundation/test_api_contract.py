"""The OpenAPI schema is the API's contract (DESIGN.md section 5). Requests made from the
schema itself by schemathesis, valid and not (positive and negative generation), must
each get an answer the schema documents: a documented status, a body of the documented
shape and content type, never a server error, and an error whose machine code the
status's description names (``documented_error_code``).

Every operation is tried anonymously and as a signed-in officer (with a CSRF token, as the
staff pages send it), and its path names, half the time, something that exists (the
office, or a booking with its secret token), so the requests reach the views' own logic
and not only the 404 for a code that names nothing.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from offices.models import OfficeMembership
from tests import factories
from tests.browser.public_data import bookable_weekday, booking_for, offices_with_sessions

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 10

# A request the schema allows may still be refused by a rule the schema cannot state (a
# NIK that does not agree with its birth date, a date outside the booking window): a
# documented 400 or 409 is right then, so "schema-valid input must be accepted" is not
# checked. Everything else schemathesis checks by default is.
EXCLUDED_CHECKS = [positive_data_acceptance]


@pytest.fixture(autouse=True)
def _connection_kept_between_requests():
    """Requests here go straight to the WSGI application, not through Django's test
    client, so nothing stops the end of each request from closing the database
    connection (``close_old_connections``: inside the test's transaction the autocommit
    setting differs, so it closes). On PostgreSQL the next request then met a closed
    connection, a 503. Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(settings):
    settings.RATELIMIT_ENABLE = False
    offices = offices_with_sessions()
    proof = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"]))
    officer = factories.StaffFactory(
        membership__office=offices["surabaya"], membership__role=OfficeMembership.Role.SUPERVISOR
    )
    return {"office": "surabaya", "code": proof.booking.code, "token": proof.token, "officer": officer}


@pytest.fixture
def signed_in(client, world) -> dict[str, dict[str, str]]:
    """What the officer's browser sends: the session and CSRF cookies, and the CSRF header."""
    client.force_login(world["officer"])
    csrf = get_random_string(32)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


def _with_existing_names(case, world: dict):
    """``case`` with its path naming what exists: the office, or the booking and its token."""
    if "code" not in (case.path_parameters or {}):
        return case
    if "/bookings/" in case.path:
        case.path_parameters["code"] = world["code"]
        case.headers = {**(case.headers or {}), "X-Booking-Token": world["token"]}
    else:
        case.path_parameters["code"] = world["office"]
    return case


def documented_error_code(ctx, response, case):
    """An error's machine code is one its status's description names (as `code`): the
    schema's ``ErrorOutput.code`` is any string, so a client learns the codes it must
    handle from the descriptions alone."""
    if response.status_code < 400 or not response.headers.get("content-type", [""])[0].startswith("application/json"):
        return
    code = response.json().get("code")
    documented = case.operation.definition.raw["responses"].get(str(response.status_code), {})
    description = documented.get("description", "")
    assert f"`{code}`" in description, (
        f"{response.status_code} `{code}` is not named in its description: {description!r}"
    )


def _checker(cases, sent: dict[str, dict[str, str]] | None):
    """A Hypothesis test that sends each of ``cases`` (as the officer when ``sent`` is
    given) and checks the answer against the schema."""

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        if sent is not None:
            case.cookies = {**(case.cookies or {}), **sent["cookies"]}
        case.call_and_validate(
            headers=sent and sent["headers"],
            # The officer's own session cookie replaces any schemathesis makes up, so
            # "a made-up session is refused" is checked anonymously only.
            excluded_checks=EXCLUDED_CHECKS + ([ignored_auth] if sent is not None else []),
            additional_checks=[documented_error_code],
        )

    return check


def test_every_answer_is_one_the_schema_documents(world, signed_in):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        generated = st.one_of(operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE))
        cases = st.one_of(generated, generated.map(lambda case: _with_existing_names(case, world)))
        for who, sent in (("anonymous", None), ("officer", signed_in)):
            try:
                _checker(cases, sent)()
            # FailureGroup (schemathesis) is a BaseExceptionGroup, not an Exception.
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - gathered, so one run names every operation that fails
                failures[f"{operation.label} ({who})"] = str(exc)
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
