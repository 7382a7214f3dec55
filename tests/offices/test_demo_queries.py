"""`load_demo` runs with DEBUG on, but keeps no record of its hundred thousand queries
(`offices.demo.queries_unrecorded`): the record cost a tenth of the load's time."""

import pytest
from django.db import connection, reset_queries

from offices import demo
from offices.models import Office

pytestmark = pytest.mark.django_db


def test_queries_are_not_recorded_inside_and_are_again_after(settings):
    settings.DEBUG = True
    reset_queries()

    with demo.queries_unrecorded():
        list(Office.objects.all())
        with demo.queries_unrecorded():  # nested: the inner one leaves the outer's in place
            list(Office.objects.all())
        list(Office.objects.all())
        assert connection.queries == []

    list(Office.objects.all())
    assert len(connection.queries) == 1
