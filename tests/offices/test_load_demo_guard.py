"""`manage.py load_demo` creates staff accounts (a superuser among them) whose password
is printed in the README: it refuses to run outside development unless told to."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from offices.models import Office

pytestmark = pytest.mark.django_db


def test_it_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="public password"):
        call_command("load_demo")

    assert not get_user_model().objects.exists()
    assert not Office.objects.exists()
