"""The office change form as the admin posts it, for tests that change one thing in it."""

import datetime as dt

from offices.admin.office import OFFICE_FIELDSETS
from offices.models import Office, SessionTemplate


def office_form(office: Office, *, overrides: list[dict] = (), **fields) -> dict:
    """The whole office form as the admin sends it back, with its sessions unchanged."""
    data = {}
    for _title, options in OFFICE_FIELDSETS:
        for name in options["fields"]:
            value = getattr(office, "parent_id" if name == "parent" else name)
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif isinstance(value, dt.time):
                data[name] = value.strftime("%H:%M")
                # Fields with a callable default (the office hours) carry their initial
                # value in a hidden input, which the admin compares to tell a change.
                data[f"initial-{name}"] = value.strftime("%H:%M")
            elif value is not None:
                data[name] = str(value)
    templates = list(SessionTemplate.objects.filter(office=office).order_by("weekday", "start")) if office.pk else []
    data.update(
        {
            "session_templates-TOTAL_FORMS": str(len(templates)),
            "session_templates-INITIAL_FORMS": str(len(templates)),
            "date_overrides-TOTAL_FORMS": str(len(overrides)),
            "date_overrides-INITIAL_FORMS": "0",
        }
    )
    for n, template in enumerate(templates):
        data.update(
            {
                f"session_templates-{n}-id": str(template.pk),
                f"session_templates-{n}-office": str(office.pk),
                f"session_templates-{n}-weekday": str(template.weekday),
                f"session_templates-{n}-start": template.start.strftime("%H:%M"),
                f"session_templates-{n}-end": template.end.strftime("%H:%M"),
                f"session_templates-{n}-capacity_regular": str(template.capacity_regular),
                f"session_templates-{n}-capacity_express": str(template.capacity_express),
                f"session_templates-{n}-capacity_priority": str(template.capacity_priority),
            }
        )
    for n, override in enumerate(overrides):
        data.update({f"date_overrides-{n}-{name}": value for name, value in override.items()})
        data[f"date_overrides-{n}-office"] = str(office.pk)
    data.update(fields)
    return data


def change(client, office: Office, data: dict, language: str = "en"):
    return client.post(f"/admin/offices/office/{office.pk}/change/", data, HTTP_ACCEPT_LANGUAGE=language)


def errors(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return " ".join(
        [str(response.context["adminform"].form.errors)]
        + [
            str(formset.formset.errors) + str(formset.formset.non_form_errors())
            for formset in response.context["inline_admin_formsets"]
        ]
    )
