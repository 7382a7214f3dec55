"""Start web, Celery worker and Celery beat together, for `make run`.

Each process is a child; Ctrl-C (or any child dying) stops them all. With no
REDIS_URL the worker and beat use the filesystem broker under var/, so nothing but
this command needs to run.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError


def child_environment(environ, host: str, port: str) -> dict[str, str]:
    """The children's environment: with no SITE_URL set, the links in proofs, API answers,
    emails and SMS point at this server, not at the default port."""
    env = dict(environ)
    if not env.get("SITE_URL"):
        reachable = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a bind address, not a bind
        env["SITE_URL"] = f"http://{reachable}:{port}"
    return env


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-worker", action="store_true", help="Run the web server only.")

    def handle(self, *args, **options):
        python = sys.executable
        address = f"{options['host']}:{options['port']}"
        commands = {"web": [python, "manage.py", "runserver", "--noreload", address]}
        if not options["no_worker"]:
            celery = [python, "-m", "celery", "-A", "queue_booking"]
            commands["worker"] = [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "--pool=prefork"]
            commands["beat"] = [*celery, "beat", "--loglevel=INFO", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME]

        env = child_environment(os.environ, options["host"], options["port"])
        processes = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env) for name, cmd in commands.items()}  # noqa: S603
        self._banner(address)

        def stop(*_):
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

        signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
        try:
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the rest.")
                        stop()
                        sys.exit(process.returncode or 1)
                time.sleep(0.5)
        except KeyboardInterrupt:
            stop()

    def _banner(self, address: str) -> None:
        from applicants.services.demo import demo_booking_link
        from offices.demo import DEMO_LOGINS

        url = f"http://{address}/"
        try:
            link = demo_booking_link()
        except DatabaseError:
            link = None  # The banner never stops the stack; the site says what is wrong.
        lines = [
            "",
            "Antrean Paspor is running:",
            f"  site        {url}",
            f"  staff       {url}staff/",
            f"  admin       {url}admin/",
            f"  API docs    {url}api/docs/",
            f"  health      {url}healthz",
            f"  broker      {settings.CELERY_BROKER_URL.split('@')[-1]}",
            *([f"  a booking   {url}{link[1:]}  (a demo applicant's proof)"] if link else []),
            "Demo logins (username / password):",
            *(f"  {login['username']:<28} {login['password']:<16} {login['role']}" for login in DEMO_LOGINS),
            "Press Ctrl-C to stop.",
            "",
        ]
        self.stdout.write("\n".join(lines))
