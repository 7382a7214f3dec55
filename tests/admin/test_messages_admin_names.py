"""The admin's list of messages to applicants is called that wherever it is named: its
title, its breadcrumb, the app index and the side menu, and a message's own page."""

import re

import pytest
from django.utils import translation

from applicants.models import Notification

LIST = "/admin/applicants/notification/"

NAMES = {
    "en": {"one": "message to applicant", "many": "Messages to applicants", "old": "otification"},
    "id": {"one": "pesan kepada pemohon", "many": "Pesan kepada pemohon", "old": "emberitahuan"},
}


def _text(page: str) -> str:
    """What a reader sees of ``page``: its title and its body's words."""
    return " ".join(re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.S).split())


def _breadcrumbs(page: str) -> str:
    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", crumbs).split())


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_list_s_title_breadcrumb_and_index_entry_agree(admin_client, language):
    names = NAMES[language]

    listing = admin_client.get(LIST, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    index = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f"<h1>{names['many']}</h1>" in listing
    assert _breadcrumbs(listing).endswith(names["many"])
    assert f'href="{LIST}">{names["many"]}</a>' in index
    for page in (listing, index):
        assert names["old"] not in _text(page)  # "Notifications" / "Pemberitahuan"


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_model_is_named_as_a_message_to_an_applicant(language):
    with translation.override(language):
        assert str(Notification._meta.verbose_name) == NAMES[language]["one"]
        assert str(Notification._meta.verbose_name_plural).capitalize() == NAMES[language]["many"]
