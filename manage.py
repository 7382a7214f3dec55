#!/usr/bin/env python
import os
import sys
from pathlib import Path


def development_default() -> None:
    """A checkout with no configuration at all (no ``DEBUG``, no ``SECRET_KEY``, no ``.env``)
    is a developer's: run commands there in development mode, as ``make run`` does.
    Deployments always set their secrets (docker-compose reads ``.env``), so this never
    turns ``DEBUG`` on there; an explicit ``DEBUG=0`` is always kept."""
    configured = {"DEBUG", "SECRET_KEY"} & os.environ.keys()
    if not configured and not (Path(__file__).resolve().parent / ".env").exists():
        os.environ["DEBUG"] = "1"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queue_booking.settings")
    development_default()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
