"""gunicorn's logger for production (``deploy/gunicorn.conf.py``): the access log without secrets.

A proof link (``/b/<code>/<token>/``) and a TV board's link (``/display/<token>/``) are
the keys to a booking and to a board, and they are request paths: every visit to a proof
page, its documents and its queue poll wrote the secret to the access log. The request
line, path, query string and referrer go through the same ``scrub`` as the product's own
log records; request headers that carry a secret are never written.
"""

from gunicorn.glogging import Logger

from queue_booking.logging import HIDDEN, scrub

_SCRUBBED_ATOMS = ("r", "U", "q", "f", "{referer}i")
_SECRET_HEADERS = ("x-booking-token", "cookie", "authorization")


class ScrubbingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in _SCRUBBED_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = scrub(atoms[name])
        for header in _SECRET_HEADERS:
            for name in (f"{{{header}}}i", f"{{http_{header.replace('-', '_')}}}e"):
                if name in atoms:
                    atoms[name] = HIDDEN
        return atoms
