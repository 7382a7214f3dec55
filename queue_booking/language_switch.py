"""A language switch that keeps what a person typed.

The header's language buttons post to Django's ``set_language``, which answers with a
redirect to the page, so the values typed into a form on it were lost. A page whose view
is wrapped in ``keeps_form_on_language_switch`` names its form in the context
(``language_form``, the form's HTML id): a button then sends that form back to its own
view with ``switch_language`` (static/js/app.js). The view answers in the chosen
language, showing the values as typed and no errors, and the choice is remembered as
``set_language`` remembers it (the language cookie). Without JavaScript the buttons go to
``set_language`` as on every other page.
"""

from functools import wraps

from django.conf import settings
from django.utils import translation

SWITCH = "switch_language"


def language_switch_requested(request) -> str | None:
    """The language a form's language button asks for, or ``None``."""
    if request.method != "POST":
        return None
    language = request.POST.get(SWITCH)
    if language in dict(settings.LANGUAGES) and translation.check_for_language(language):
        return language
    return None


def keeps_form_on_language_switch(view):
    """Answer a language button's post in that language and remember the choice; the view
    itself sees ``language_switch_requested(request)`` and shows its form again."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = language_switch_requested(request)
        if language is None:
            return view(request, *args, **kwargs)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = view(request, *args, **kwargs)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    return wrapper
