#!/usr/bin/env python
"""Where one request's time goes, without the network: `python bench/profile.py`.

Calls the WSGI application in this process, exactly as a gunicorn worker does, with
the bench's production settings and database (it re-creates the bench data, like
`make bench`). For each kind of request it prints the CPU and wall time per request
(best of several batches, so other work on the machine disturbs it less), and with
``--profile`` a pyinstrument tree of the slowest parts. docs/performance.md quotes it.

    .venv/bin/python bench/profile.py                     # all kinds, timings only
    .venv/bin/python bench/profile.py book --profile      # where a booking spends its time
    .venv/bin/python bench/profile.py cold availability   # a read from nothing, and a kept one
"""

import argparse
import io
import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from applicants import demo_people as nik  # noqa: E402
from bench import run  # noqa: E402

KINDS = ("bare", "stack", "availability", "cold", "book", "full")


def environ(method: str, path: str, body: bytes = b"") -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json" if body else "",
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class Caller:
    """Calls the app like gunicorn: WSGI environ in, status and body out."""

    def __init__(self) -> None:
        from bench.wsgi import application

        self.app = application  # as gunicorn serves it in the bench (bare view included)
        # Log lines are formatted as in production (they cost CPU too) but not shown:
        # Django logs every 4xx as a warning, and a screenful of 409s would hide the numbers.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process

    def __call__(self, env: dict) -> tuple[str, bytes]:
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = status

        chunks = self.app(env, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return answer["status"], body


def booking_body(office: dict, date: str, slot_id: int, index: int) -> bytes:
    person = nik.person(index)
    applicant = {
        "nik": person.nik,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "phone": person.phone,
        "email": person.email,
    }
    body = {
        "office": office["code"],
        "date": date,
        "session": slot_id,
        "track": "regular",
        "service": "new",
        "applicant": applicant,
        "if_full": "reject",
    }
    return json.dumps(body).encode()


def requests_for(kind: str, setup: dict, count: int):
    """``count`` WSGI environs of one kind; bookings use fresh applicants each time."""
    offices, start, flood_date = setup["offices"], setup["start"], setup["flood_date"].isoformat()
    if kind in ("bare", "stack"):
        return [environ("GET", run.BARE_PATH if kind == "bare" else run.STACK_PATH) for _ in range(count)]
    if kind in ("availability", "cold"):
        paths = [
            f"/api/v1/offices/{o['code']}/availability/?start={start.isoformat()}&days={run.AVAILABILITY_DAYS}"
            for o in offices[: run.AVAILABILITY_OFFICES]
        ]
        return [environ("GET", paths[n % len(paths)]) for n in range(count)]
    office = offices[-1] if kind == "book" else offices[-2]
    slot_id = office["slots"][0][0]
    first = setup["next_applicant"]
    setup["next_applicant"] += count
    return [
        environ("POST", "/api/v1/bookings/", booking_body(office, flood_date, slot_id, first + n)) for n in range(count)
    ]


def prepare_kinds(setup: dict) -> None:
    """A session with room for every booking made here, and a sold-out one."""
    from django.db.models import F

    from offices.models import Slot

    Slot.objects.filter(id=setup["offices"][-1]["slots"][0][0]).update(capacity=10**6)
    Slot.objects.filter(id=setup["offices"][-2]["slots"][0][0]).update(capacity=F("booked"))


def forget_everything(setup: dict) -> None:
    """Before a ``cold`` batch: Redis emptied and this process's kept answers gone, as
    for a worker in ``make bench``'s ``availability_cold`` (or after a Redis restart)."""
    from offices.cache import local_clear

    run.reset_redis(setup["redis_url"])
    local_clear()


def measure(caller: Caller, kind: str, setup: dict, *, batches: int, per_batch: int) -> dict:
    status, body = caller(requests_for(kind, setup, 1)[0])  # warm: imports, connections, "full" mark
    expected = {"bare": "200", "stack": "200", "availability": "200", "cold": "200", "book": "201", "full": "409"}
    if not status.startswith(expected[kind]):
        sys.exit(f"profile: {kind} answered {status}: {body[:300]!r}")
    best_cpu = best_wall = float("inf")
    if kind == "cold":  # each office once per batch, every batch from nothing
        per_batch = min(per_batch, run.AVAILABILITY_OFFICES)
    for _ in range(batches):
        envs = requests_for(kind, setup, per_batch)
        if kind == "cold":
            forget_everything(setup)
        wall, cpu = time.perf_counter(), time.process_time()
        for env in envs:
            caller(env)
        best_wall = min(best_wall, (time.perf_counter() - wall) / per_batch)
        best_cpu = min(best_cpu, (time.process_time() - cpu) / per_batch)
    return {"cpu_ms": round(best_cpu * 1000, 3), "wall_ms": round(best_wall * 1000, 3)}


def profile(caller: Caller, kind: str, setup: dict, count: int) -> str:
    from pyinstrument import Profiler

    envs = requests_for(kind, setup, count)
    if kind == "cold":
        envs = envs[: run.AVAILABILITY_OFFICES]
        forget_everything(setup)
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for env in envs:
        caller(env)
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kinds", nargs="*", metavar="KIND", help=f"any of {', '.join(KINDS)} (default: all)")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument tree per kind")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--per-batch", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"))
    args = parser.parse_args(argv)
    args.kinds = args.kinds or list(KINDS)
    if set(args.kinds) - set(KINDS):
        parser.error(f"kinds are {', '.join(KINDS)}")
    args.database_url = args.database_url or run.default_database_url()
    args.workers, args.only = 1, []

    run_dir = ROOT / "var" / "bench" / "profile"
    run_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(run.server_env(args, 8000, run_dir))
    run.ensure_database(args.database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input", verbosity=0)
    start, flood_date = run.bench_dates()
    offices = run.prepare(start, flood_date, run.AVAILABILITY_OFFICES)
    run.reset_redis(args.redis_url)
    setup = {
        "offices": offices,
        "start": start,
        "flood_date": flood_date,
        "next_applicant": 0,
        "redis_url": args.redis_url,
    }
    prepare_kinds(setup)
    caller = Caller()
    for kind in args.kinds:
        numbers = measure(caller, kind, setup, batches=args.batches, per_batch=args.per_batch)
        print(f"{kind:>12}: {numbers['cpu_ms']:.3f} ms CPU, {numbers['wall_ms']:.3f} ms wall per request", flush=True)
        if args.profile:
            print(profile(caller, kind, setup, args.per_batch), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
