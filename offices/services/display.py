"""The waiting room's TV board link (``/display/<token>/``), which needs no sign-in."""

from offices.models import Office, new_display_token


def office_display_token_renew(*, office: Office) -> str:
    """Give ``office`` a new display-board token: the old link stops working at once
    (for a link that leaked, or a TV that left the office). Returns the new token."""
    office.display_token = new_display_token()
    office.save(update_fields=["display_token"])
    return office.display_token
