"""An office's address reads once: the city and province are not named twice."""

import pytest

from offices.models import Office
from offices.services import office_directory_read
from tests import factories


def test_every_demo_office_s_address_names_its_city_and_province_once():
    """offices.csv gives "Sabang, Aceh"; the office page showed "Sabang, Aceh" and then
    "Kota Sabang, Aceh" under it. Each address there ends with its province already."""
    for row in office_directory_read():
        office = Office(**{name: value for name, value in row.fields.items() if name != "data_notes"})
        assert office.address_shown == row.fields["address"], row.code
        repeated = f"{office.city}, {office.province}".casefold()
        assert office.address_shown.casefold().count(repeated) <= 1, row.code


def test_an_address_ending_in_its_province_is_shown_as_it_is():
    office = Office(
        address="Jl. Raya Juanda, Sedati, Sidoarjo, Jawa Timur", city="Kota Surabaya", province="Jawa Timur"
    )

    assert office.address_shown == "Jl. Raya Juanda, Sedati, Sidoarjo, Jawa Timur"


def test_a_street_alone_gets_its_city_and_province():
    office = Office(address="Jl. Ahmad Yani No. 5 ", city="Kota Malang", province="Jawa Timur")

    assert office.address_shown == "Jl. Ahmad Yani No. 5, Kota Malang, Jawa Timur"


def test_no_address_shows_the_city_and_province():
    assert Office(address="", city="Kota Sabang", province="Aceh").address_shown == "Kota Sabang, Aceh"


@pytest.mark.django_db
def test_the_office_page_shows_the_address_once(client):
    factories.OfficeFactory(
        code="sabang",
        name="Kantor Imigrasi Kelas II TPI Sabang",
        city="Kota Sabang",
        province="Aceh",
        address="Sabang, Aceh",
    )

    html = client.get("/offices/sabang/").content.decode()

    assert "<dt>Alamat</dt><dd>Sabang, Aceh</dd>" in html
    assert html.count("Aceh") == 1
