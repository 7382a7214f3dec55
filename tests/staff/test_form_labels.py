"""The staff forms tie each input to its help and its error: every id an input's
``aria-describedby`` names is on the page, so a screen reader reads the help text and
the error with the field. Django names them ``<id>_helptext`` and ``<id>_error``; the
staff pages printed help and errors without those ids, and pointed at nothing."""

import re

import pytest
from django.urls import reverse

from tests.staff.test_walkin import PAGE_FORM, nik

pytestmark = pytest.mark.django_db


def _described_by(html: str) -> dict[str, list[str]]:
    """For each input, select or textarea with ``aria-describedby``: the ids it names."""
    found = {}
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        names = re.search(r'aria-describedby="([^"]*)"', tag)
        if names:
            found[re.search(r'\bid="([^"]+)"', tag).group(1)] = names.group(1).split()
    return found


def _missing_targets(html: str) -> dict[str, list[str]]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    missing = {field: [i for i in names if i not in ids] for field, names in _described_by(html).items()}
    return {field: names for field, names in missing.items() if names}


def test_the_walk_in_form_points_at_its_help_and_its_errors(officer_client, office, slots, morning):
    url = reverse("staff:walkin", args=[office.code])
    blank = officer_client.get(url)
    refused = officer_client.post(url, {"priority_group": "elderly", "nik": "123", "service": "new"})

    assert _described_by(blank.text)["id_nik"] == ["id_nik_helptext"]
    assert _missing_targets(blank.text) == {}
    assert set(_described_by(refused.text)["id_full_name"]) >= {"id_full_name_error"}
    assert _missing_targets(refused.text) == {}


def test_a_refused_walk_in_lists_what_to_correct_at_the_top(officer_client, office, slots, morning):
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {"priority_group": "elderly", "nik": nik(3), "service": "new"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", response.text, re.S).group(0)
    assert 'href="#id_full_name"' in summary
    assert 'href="#id_birth_date_0"' in summary  # its first box: where to start typing
    assert response.text.index("data-error-summary") < response.text.index('<form method="post" class="form"')


def test_a_service_refusal_of_a_walk_in_is_said_once_at_the_top(officer_client, office, slots, morning):
    # Not a priority group while online booking is open: the service's refusal, not a field's.
    response = officer_client.post(
        reverse("staff:walkin", args=[office.code]),
        {**PAGE_FORM, "priority_group": "", "nik": nik(4)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert 'data-code="walkin_not_allowed"' in response.text
    assert "data-error-summary" not in response.text
    assert _missing_targets(response.text) == {}


def test_the_check_in_field_points_at_its_help(officer_client, office, morning):
    response = officer_client.get(reverse("staff:checkin", args=[office.code]))

    assert _described_by(response.text)["id_code"] == ["id_code_helptext"]
    assert _missing_targets(response.text) == {}


def test_the_counter_form_points_at_its_help_and_its_error(officer_client, office, morning):
    url = reverse("staff:counters", args=[office.code])

    assert _missing_targets(officer_client.get(url).text) == {}
    refused = officer_client.post(url, {"name": ""})
    assert "id_name_error" in _described_by(refused.text)["id_name"]
    assert _missing_targets(refused.text) == {}


def test_the_stop_service_box_points_at_its_error(supervisor_client, office, slots, morning):
    # A browser sends the CSRF token, so the form is bound even with the box unticked.
    refused = supervisor_client.post(reverse("staff:stop-service", args=[office.code]), {"csrfmiddlewaretoken": "x"})

    assert "id_confirm_error" in _described_by(refused.text)["id_confirm"]
    assert _missing_targets(refused.text) == {}


def test_the_day_list_date_points_at_its_error(officer_client, office, morning):
    refused = officer_client.get(reverse("staff:day-list", args=[office.code]), {"date": "2001-01-01"})

    assert refused.status_code == 400
    assert "id_date_error" in _described_by(refused.text)["id_date"]
    assert _missing_targets(refused.text) == {}
