"""The site's icon: named by every page, and at /favicon.ico for the pages that do not."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].split("?")[0].endswith("favicon.svg")


def test_the_icon_is_an_svg_image():
    path = finders.find("favicon.svg")
    assert path is not None
    assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"  # noqa: S314 - our own file


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_pages_name_the_icon(client, path):
    html = client.get(path).content.decode()

    assert f'<link rel="icon" href="{settings.STATIC_URL}favicon' in html
