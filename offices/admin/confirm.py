"""The page an admin action shows before it changes anything (Django's own delete
action does the same): what the selection holds, what will happen to which rows, and a
button that posts the selection back with ``confirm=yes``."""

from django.contrib import admin
from django.template.response import TemplateResponse


def confirmation_page(
    model_admin, request, *, title, template: str, selected: list, **context
) -> TemplateResponse | None:
    """The confirmation page for ``model_admin``'s action on ``selected``, with ``context``
    for its ``template``; ``None`` once the user has confirmed (the action then acts)."""
    if request.POST.get("confirm") == "yes":
        return None
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "selected": selected,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            **context,
        },
    )
