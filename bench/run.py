#!/usr/bin/env python
"""`make bench`: the launch-day flood, measured on this machine.

Starts the app under gunicorn with production settings (DEBUG off, PostgreSQL, Redis)
on 127.0.0.1, prepares offices and office-days, and drives it with wrk (one Lua script,
bench/lua/bench.lua) through these scenarios, each for a fixed time:

  bare          a bare Django JSON view, no middleware, outside the product's URLs: the
                yardstick (bench/wsgi.py)
  stack         the same view through the product's middleware (reported, no target)
  bare_2, ...   the bare view again just before flood_many and flood_one: each scenario
                is divided by the bare runs just before and after it
  availability  GET /api/v1/offices/{code}/availability/ across 100 offices
  flood_many    POST /api/v1/bookings/, 50 offices at once, 10x their quota in applicants
  flood_one     the same on one office-day of quota 400, round after round (a fresh
                office-day and 4,000 fresh applicants each round) until the time is up
  sold_out      bookings for sold-out sessions: every answer must be 409 session_full

then runs pgbench with the booking's SQL for the raw PostgreSQL limit, reads the
invariants back from the database, prints a table and writes JSON to bench/results/.
See docs/performance.md. Every request goes to 127.0.0.1 and every run is bounded.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from applicants import demo_people as nik  # noqa: E402
from bench import chart, summary  # noqa: E402

LUA_SCRIPT = ROOT / "bench" / "lua" / "bench.lua"
BARE_PATH = "/bench/bare/"  # served without middleware by bench/wsgi.py
STACK_PATH = "/bench/stack/"  # the same view through the product's middleware (bench/urls.py)
RESULTS_DIR = ROOT / "bench" / "results"
# Debian's PostgreSQL listens on this socket as well as on 127.0.0.1:5432. With the server
# on the same machine, the socket is the cheaper way in: a round trip costs the kernel less
# than one over TCP on loopback (docs/performance.md, round 18).
PG_SOCKET_DIR = Path("/var/run/postgresql")
TCP_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/antrean_bench"
VENV_BIN = Path(sys.executable).parent

# One office-day: four sessions of the regular track, 100 places each.
SESSIONS = [(dt.time(8, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(15, 0))]
SESSIONS.append((dt.time(15, 0), dt.time(16, 0)))
PLACES_PER_SESSION = 100
DAY_QUOTA = PLACES_PER_SESSION * len(SESSIONS)
FLOOD_FACTOR = 10  # applicants per place
AVAILABILITY_OFFICES = 100
FLOOD_OFFICES = 50
AVAILABILITY_DAYS = 7
MAX_ROUNDS = 40
WARMUP_OFFICE = -1  # the last office: after the 50 of flood_many and the 40 of flood_one's rounds
ROUND_CAP_S = 120
SOLD_OUT_POOL_PER_S = 10_000  # fresh applicants per second of sold_out; more than 2 cores can send
BUSY_WARNING = 0.15
CPU_SAMPLE_S = 0.5
# A bare run between app scenarios: a third of the scenario time, at least 5 s.
BETWEEN_SHARE = 1 / 3
BETWEEN_MIN_S = 5.0
SETTLE_S = 0.5  # let requests still in flight when a run stopped finish before the next
# The availability reads start from a cold cache (every cached day and kept answer gone,
# as after a deploy or at a launch's first minute) for this long, reported on its own
# row; the availability scenario proper then measures the reads as they go on.
AVAILABILITY_COLD_S = 3.0


_T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[bench +{time.monotonic() - _T0:5.0f}s] {message}", flush=True)


# --- configuration ------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 15)))
    parser.add_argument("--pgbench-duration", type=float, default=None, help="default: --duration")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    # The default of deploy/gunicorn.conf.py: one more than the cores.
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 1) + 1)))
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated subset of: bare,stack,availability,flood_many,flood_one,sold_out,pgbench",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument("--output", default="", help="JSON path; default bench/results/<time>.json")
    parser.add_argument("--example", action="store_true", help="also write bench/results/example.json and .svg")
    parser.add_argument("--profile", default="", help="py-spy a worker during this scenario (needs py-spy)")
    parser.add_argument(
        "--profile-cpu",
        action="store_true",
        help="with --profile: sample only while the worker runs (no --idle), so round trips show as CPU only",
    )
    parser.add_argument("--keep-server", action="store_true", help="leave gunicorn running at the end")
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help='extra gunicorn options over deploy/gunicorn.conf.py, e.g. "--max-requests 0" (experiments)',
    )
    args = parser.parse_args(argv)
    args.database_url = args.database_url or default_database_url()
    args.pgbench_duration = args.pgbench_duration or args.duration
    everything = [*summary.SCENARIO_ORDER, "pgbench"]
    args.only = [s.strip() for s in args.only.split(",") if s.strip()] or everything
    unknown = set(args.only) - set(everything)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    for host in (pg_params(args.database_url)["host"], urlparse(args.redis_url).hostname):
        # No host, or a directory: a Unix socket, which is on this machine by definition.
        if host is not None and host not in {"127.0.0.1", "localhost", "::1"} and not host.startswith("/"):
            parser.error("the bench only talks to services on this machine (127.0.0.1 or a Unix socket)")
    return args


def default_database_url(socket_dir: Path = PG_SOCKET_DIR, *, connects=None) -> str:
    """The bench's database over PostgreSQL's Unix socket when the server has one here and
    lets the bench's role in through it, else over TCP on loopback. ``?host=`` is libpq's
    (and so Django's) way to name the socket's directory in a URL.

    A server may trust TCP on 127.0.0.1 and ask for peer authentication on the socket
    (Debian's default for the socket): then the socket is refused and TCP is used.
    ``connects`` tries a URL (tests give their own)."""
    if (socket_dir / ".s.PGSQL.5432").exists():
        url = f"postgres://postgres@/antrean_bench?host={socket_dir}"
        refused = (connects or _connect_error)(url)
        if refused is None:
            return url
        log(f"PostgreSQL's socket in {socket_dir} refused the bench ({refused}); using TCP on 127.0.0.1")
    return TCP_DATABASE_URL


def _connect_error(database_url: str) -> str | None:
    """Why the bench's role cannot reach the server at ``database_url``, or ``None``."""
    import psycopg2

    try:
        psycopg2.connect(**{**pg_params(database_url), "dbname": "postgres"}, connect_timeout=5).close()
    except psycopg2.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def pg_params(database_url: str) -> dict:
    """What psycopg2 and pgbench need from ``database_url``: ``host`` is a socket's
    directory (from ``?host=``) or a name, ``None`` for libpq's default socket."""
    url = urlparse(database_url)
    return {
        "host": parse_qs(url.query).get("host", [url.hostname])[0],
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "password": url.password,
        "dbname": url.path.lstrip("/"),
    }


def pg_transport(database_url: str) -> str:
    """How the app reaches PostgreSQL, as the report says it."""
    params = pg_params(database_url)
    if params["host"] is None or params["host"].startswith("/"):
        return f"Unix socket {params['host'] or 'libpq default'}"
    return f"TCP {params['host']}:{params['port']}"


def server_env(args: argparse.Namespace, port: int, run_dir: Path) -> dict[str, str]:
    """Production settings, as docker-compose would give them, on loopback."""
    from cryptography.fernet import Fernet

    keep = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BENCH_"))}
    return {
        **keep,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "NIK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "NIK_HASH_KEY": "bench-" + Fernet.generate_key().decode(),
        "PROOF_SIGNING_KEYS": "k1:bench-" + Fernet.generate_key().decode(),
        # One address sends the whole country's traffic here; limits would reject it.
        "RATELIMIT_ENABLE": "0",
        "ROOT_URLCONF": "bench.urls",
        "VAR_DIR": str(run_dir / "var"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "DJANGO_SETTINGS_MODULE": "queue_booking.settings",
        "PYTHONUNBUFFERED": "1",
    }


def background_busy(seconds: float = 2.0) -> float:
    """How busy the machine is with other work, from /proc/stat over a short while."""
    meter = CpuMeter()
    before = meter.snapshot()
    time.sleep(seconds)
    return meter.delta(before, meter.snapshot())["machine_busy"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Debian ships pgbench with the PostgreSQL server (postgresql-15), which the bench needs anyway.
TOOLS = {"wrk": "wrk", "pgbench": "postgresql"}


def ensure_tools() -> None:
    """wrk and pgbench come from Debian's packages; install them when missing and allowed."""
    missing = [name for name in TOOLS if not shutil.which(name)]
    if not missing:
        return
    packages = [TOOLS[name] for name in missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"installing {', '.join(packages)} from Debian's packages")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *packages],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if [name for name in missing if not shutil.which(name)]:
        sys.exit(f"bench: needs {' and '.join(missing)}: apt-get install {' '.join(packages)}")


def ensure_database(database_url: str) -> None:
    import psycopg2

    params = pg_params(database_url)
    name = params["dbname"]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"bench: unexpected database name {name!r}")
    conn = psycopg2.connect(**{**params, "dbname": "postgres"})
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


# --- data -------------------------------------------------------------------------


def bench_dates() -> tuple[dt.date, dt.date]:
    """The first date the availability reads show, and the workday that is flooded.

    Three days ahead is inside every office's default window (tomorrow .. 30 days) in
    every Indonesian time zone; the flooded date is the first workday that is not a
    national holiday from there.
    """
    import holidays

    start = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    days_off = holidays.country_holidays("ID", years=[start.year, start.year + 1])
    day = start
    while day.weekday() >= 5 or day in days_off:
        day += dt.timedelta(days=1)
    return start, day


def prepare(start: dt.date, flood_date: dt.date, office_count: int) -> list[dict]:
    """Empty the bench database's product tables; create offices and their slots with
    the project's own services (directory import, slot materialization)."""
    from django.apps import apps
    from django.db import connection

    from offices.models import Office, SessionTemplate, Slot
    from offices.services import office_directory_read, offices_import, slots_materialize

    tables = [
        model._meta.db_table
        for label in ("applicants", "offices")
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.managed
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} RESTART IDENTITY CASCADE")

    rows = [row for row in office_directory_read() if row.fields.get("kind", "kanim") == "kanim"][:office_count]
    if len(rows) < office_count:
        sys.exit(f"bench: the office directory has only {len(rows)} offices, {office_count} needed")
    offices_import(rows=rows)
    offices = list(Office.objects.filter(code__in=[row.code for row in rows]))
    order = {row.code: n for n, row in enumerate(rows)}
    offices.sort(key=lambda office: order[office.code])
    # Monday to Friday, four sessions of 100 regular places: 400 a day.
    SessionTemplate.objects.bulk_create(
        [
            SessionTemplate(office=office, weekday=weekday, start=s, end=e, capacity_regular=PLACES_PER_SESSION)
            for office in offices
            for weekday in range(5)
            for s, e in SESSIONS
        ]
    )
    last = max(start + dt.timedelta(days=AVAILABILITY_DAYS - 1), flood_date)
    slots_materialize(office_ranges=[(office, start, last) for office in offices])

    slots = Slot.objects.filter(date=flood_date, office__in=offices).order_by("office_id", "start", "track")
    by_office: dict[int, list] = {}
    for slot in slots:
        by_office.setdefault(slot.office_id, []).append(slot)
    for office in offices:
        quota = sum(slot.capacity for slot in by_office.get(office.id, []))
        if quota != DAY_QUOTA:
            sys.exit(f"bench: {office.code} has {quota} places on {flood_date}, expected {DAY_QUOTA}")
    return [
        {"code": office.code, "slots": [(s.id, s.track) for s in by_office.get(office.id, [])]} for office in offices
    ]


def checkpoint() -> float | None:
    """``CHECKPOINT`` now; how long it took (``None`` if the role may not).

    pgbench's documentation advises one before a measurement. A run writes about a
    gigabyte of WAL (pgbench's part above all), which starts a checkpoint that spreads
    its writes over the next minutes: back-to-back runs met it in their floods, where
    every page first touched after it is logged whole. Seen in session 12: the run that
    began 23 s after such a checkpoint began booked 834/s over 50 offices, the runs
    around it 1,039 and 1,041/s, with the bare view unchanged. After this, every run's
    scenarios start from a finished checkpoint."""
    from django.db import DatabaseError, connection

    began = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:
        log(f"WARNING: no CHECKPOINT before the run ({exc}); a checkpoint may run through the scenarios")
        return None
    return time.monotonic() - began


def reset_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def write_pool(path: Path, first: int, count: int) -> None:
    """Applicants first .. first+count-1, one JSON object a line (bench.lua reads them)."""
    with path.open("w") as out:
        for person in nik.people(first, count):
            out.write(
                json.dumps(
                    {
                        "nik": person.nik,
                        "full_name": person.full_name,
                        "birth_date": person.birth_date.isoformat(),
                        "phone": person.phone,
                        "email": person.email,
                    },
                    separators=(",", ":"),
                )
                + "\n"
            )


def to_lua(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{to_lua(k)}] = {to_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(to_lua(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))  # a JSON string literal is a valid Lua string literal here


# --- measuring --------------------------------------------------------------------


class CpuMeter:
    """CPU seconds per process group (app, PostgreSQL, Redis) and the machine's busy share."""

    groups = {"gunicorn": "app", "postgres": "postgres", "redis-server": "redis"}

    def __init__(self, database: str = "") -> None:
        self.tick = os.sysconf("SC_CLK_TCK")
        self.database = database

    def _ours(self, pid: str) -> bool:
        """A PostgreSQL backend serving another database is someone else's work."""
        if not self.database:
            return True
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
        is_backend = "127.0.0.1(" in title or "[local]" in title
        return not is_backend or f" {self.database} " in title

    def snapshot(self) -> dict:
        per_pid = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            comm = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            group = self.groups.get(comm)
            if group == "postgres" and not self._ours(entry):
                continue
            if group:
                per_pid[entry] = (group, int(fields[11]) + int(fields[12]))
        with open("/proc/stat") as handle:
            cpu = [int(x) for x in handle.readline().split()[1:]]
        idle = cpu[3] + cpu[4]
        return {"pids": per_pid, "busy": sum(cpu) - idle, "total": sum(cpu), "at": time.monotonic()}

    def begin(self) -> dict:
        first = self.snapshot()
        return {"first": first, "pids": {pid: [group, t, t] for pid, (group, t) in first["pids"].items()}}

    def sample(self, window: dict) -> dict:
        """Note every process's CPU so far. A process born meanwhile (a worker recycled
        by max_requests, its new database backend) counts from zero; one that dies
        loses only what it spent since the last sample."""
        now = self.snapshot()
        for pid, (group, ticks) in now["pids"].items():
            window["pids"].setdefault(pid, [group, 0, 0])[2] = ticks
        window["last"] = now
        return window

    def end(self, window: dict) -> dict:
        self.sample(window)
        seconds: dict[str, float] = {"app": 0.0, "postgres": 0.0, "redis": 0.0}
        for group, first, last in window["pids"].values():
            seconds[group] += (last - first) / self.tick
        result = {f"{group}_s": round(value, 2) for group, value in seconds.items()}
        result.update(self.delta(window["first"], window["last"]))
        return result

    def delta(self, before: dict, after: dict) -> dict:
        total = after["total"] - before["total"]
        return {
            "machine_busy": round((after["busy"] - before["busy"]) / total, 3) if total else 0.0,
            "wall_s": round(after["at"] - before["at"], 2),
        }


class Runner:
    def __init__(self, args: argparse.Namespace, run_dir: Path, base_url: str) -> None:
        self.args = args
        self.run_dir = run_dir
        self.base_url = base_url
        self.next_applicant = 0
        self.cpu = CpuMeter(pg_params(args.database_url)["dbname"])

    def pool(self, label: str, count: int) -> Path:
        path = self.run_dir / f"{label}.applicants"
        write_pool(path, self.next_applicant, count)
        self.next_applicant += count
        return path

    def wrk(self, label: str, data: dict, *, progress: bool = True) -> dict:
        """Run wrk once with bench.lua; return its result line plus the load's CPU time."""
        data = {"threads": self.args.threads, "scenario": label, **data}
        if data.get("kind") == "book":
            data["codes_file"] = str(self.run_dir / f"{label}.codes")
        ready_file = self.run_dir / f"{label}.ready"
        ready_file.unlink(missing_ok=True)
        data["ready_file"] = str(ready_file)
        data_path = self.run_dir / f"{label}.lua"
        data_path.write_text("return " + to_lua(data) + "\n")
        duration = float(data["duration"])
        cap = int(duration + 60)  # wrk's own limit; threads normally stop long before
        cmd = ["wrk", "-t", str(self.args.threads), "-c", str(self.args.connections), "-d", f"{cap}s"]
        cmd += ["--timeout", "10s", "-s", str(LUA_SCRIPT), self.base_url]
        time.sleep(SETTLE_S)
        before_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        window = self.cpu.begin()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "BENCH_DATA": str(data_path)},
        )
        lines: list[str] = []
        done_threads = threading.Semaphore(0)

        def read() -> None:
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("BENCH_THREAD_DONE"):
                    done_threads.release()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        started = time.monotonic()
        next_note = started + 5
        # Stop the whole of wrk as soon as one thread is done. A stopped thread's sockets
        # stay open until wrk exits, and a sync gunicorn worker that answered one of them
        # waits (up to 2 s, gunicorn's graceful close) for the client to close it: left
        # open, they would stall the workers still serving the other thread.
        next_sample = started + CPU_SAMPLE_S
        while time.monotonic() - started < cap:
            if done_threads.acquire(timeout=0.05):
                break
            if time.monotonic() >= next_sample:
                self.cpu.sample(window)
                next_sample += CPU_SAMPLE_S
            if progress and time.monotonic() >= next_note:
                left = max(duration - (time.monotonic() - started), 0)
                log(f"{label}: {left:.0f} s left")
                next_note += 5
        cpu = self.cpu.end(window)
        proc.send_signal(signal.SIGINT)  # wrk sleeps out its -d otherwise
        proc.wait(timeout=30)
        reader.join(timeout=10)
        after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        (self.run_dir / f"{label}.wrk.log").write_text("".join(lines))
        result_lines = [line for line in lines if line.startswith("BENCH_RESULT ")]
        if not result_lines:
            sys.exit(f"bench: wrk gave no result for {label}; see {self.run_dir / (label + '.wrk.log')}")
        result = json.loads(result_lines[-1][len("BENCH_RESULT ") :])
        for thread in result["threads"]:
            if isinstance(thread["statuses"], list):  # an empty Lua table
                thread["statuses"] = {}
        result["load_cpu_s"] = (after_usage.ru_utime - before_usage.ru_utime) + (
            after_usage.ru_stime - before_usage.ru_stime
        )
        result["cpu"] = cpu
        return result


def merge_cpu(runs: list[dict]) -> dict:
    keys = ("app_s", "postgres_s", "redis_s", "wall_s")
    merged = {key: round(sum(run["cpu"][key] for run in runs), 2) for key in keys}
    merged["machine_busy"] = round(
        sum(r["cpu"]["machine_busy"] * r["cpu"]["wall_s"] for r in runs) / merged["wall_s"], 3
    )
    return merged


def full_slots(slot_ids: list[int]) -> set[int]:
    from django.db import connections
    from django.db.models import F

    from offices.models import Slot

    try:
        return set(Slot.objects.filter(id__in=slot_ids, booked__gte=F("capacity")).values_list("id", flat=True))
    finally:
        connections.close_all()


def read_codes(run_dir: Path, labels: list[str]) -> list[str]:
    codes = []
    for label in labels:
        path = run_dir / f"{label}.codes"
        if path.exists():
            codes += [line for line in path.read_text().split("\n") if line]
    return codes


# --- server -------------------------------------------------------------------------


def start_server(env: dict[str, str], run_dir: Path, port: int, extra: list[str]) -> subprocess.Popen:
    log_file = (run_dir / "gunicorn.log").open("w")
    config = str(ROOT / "deploy" / "gunicorn.conf.py")
    times_dir = run_dir / "request-times"
    times_dir.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", config, *extra, "bench.wsgi:application"],
        cwd=ROOT,
        env={**env, "BENCH_REQUEST_TIMES_DIR": str(times_dir)},
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: gunicorn exited; see {run_dir / 'gunicorn.log'}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz")
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit(f"bench: gunicorn did not become healthy; see {run_dir / 'gunicorn.log'}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == master:
                pids.append(int(entry))
    return sorted(pids)


# --- pgbench --------------------------------------------------------------------------


def pgbench_prepare(slot_count: int) -> str:
    """Scratch copies of the slot and booking tables (same columns, checks and indexes,
    no foreign keys) and a pgbench script doing one booking's SQL: the conditional
    capacity UPDATE feeding the INSERT, in one statement."""
    from django.db import connection
    from django.db.models import DateField, DateTimeField

    from applicants.models import Booking
    from offices.models import Slot

    values = {
        "code": "'B' || lpad(to_hex(nextval('bench_pg_code_seq')), 7, '0')",
        "nik_hash": "lpad(currval('bench_pg_code_seq')::text, 64, '0')",
        "token_hash": "repeat('t', 64)",
        "applicant_id": "1",
        "office_id": "s.office_id",
        "slot_id": "s.id",
        "status": "'confirmed'",
    }
    columns, expressions = [], []
    for field in Booking._meta.concrete_fields:
        if field.primary_key or (field.null and field.name not in values and field.attname not in values):
            continue
        key = field.attname if field.attname in values else field.name
        if key in values:
            expression = values[key]
        elif isinstance(field, DateTimeField):
            expression = "now()"
        elif isinstance(field, DateField):
            expression = "s.date"
        else:
            default = field.get_db_prep_save(field.get_default(), connection)
            with connection.cursor() as cursor:
                expression = cursor.mogrify("%s", [default]).decode()
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_pg_booking, bench_pg_slot; DROP SEQUENCE IF EXISTS bench_pg_code_seq"
        )
        cursor.execute(f"CREATE TABLE bench_pg_slot (LIKE {Slot._meta.db_table} INCLUDING ALL)")
        cursor.execute(f"CREATE TABLE bench_pg_booking (LIKE {Booking._meta.db_table} INCLUDING ALL)")
        cursor.execute("CREATE SEQUENCE bench_pg_code_seq")
        cursor.execute(
            'INSERT INTO bench_pg_slot (id, office_id, date, start, "end", track, capacity, booked, reserved, closed,'
            " closed_reason) SELECT n, n, current_date + 3, '08:00', '10:00', 'regular', 2000000000, 0, 0, false, ''"
            " FROM generate_series(1, %s) AS n",
            [slot_count],
        )
    # Column names come from the model, values from the table above: nothing from outside.
    take = (
        "WITH s AS (UPDATE bench_pg_slot SET booked = booked + 1"
        " WHERE id = :slot AND NOT closed AND booked <= capacity - reserved - 1"
        " RETURNING id, office_id, date)"
    )
    insert = f" INSERT INTO bench_pg_booking ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM s;"  # noqa: S608
    return "\\set slot random(1, :nslots)\n" + take + insert + "\n"


def pgbench_run(args: argparse.Namespace, run_dir: Path, label: str, slot_count: int) -> dict:
    script_path = run_dir / f"pgbench-{label}.sql"
    script_path.write_text(pgbench_prepare(slot_count))
    # The same way in as the app's, so that the ratio compares like with like.
    db = pg_params(args.database_url)
    cmd = ["pgbench", "-n", *(["-h", db["host"]] if db["host"] else []), "-p", str(db["port"]), "-U", db["user"]]
    cmd += ["-c", str(args.connections), "-j", str(args.threads), "-T", str(int(args.pgbench_duration))]
    cmd += ["-M", "prepared", "-D", f"nslots={slot_count}", "-f", str(script_path), db["dbname"]]
    env = {**os.environ, **({"PGPASSWORD": db["password"]} if db["password"] else {})}
    log(f"pgbench {label}: {slot_count} slots, {args.connections} clients, {int(args.pgbench_duration)} s")
    answer = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.pgbench_duration + 120)
    (run_dir / f"pgbench-{label}.log").write_text(answer.stdout + answer.stderr)
    if answer.returncode != 0:
        sys.exit(f"bench: pgbench failed; see {run_dir / f'pgbench-{label}.log'}")
    tps = float(re.search(r"tps = ([\d.]+)", answer.stdout).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", answer.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", answer.stdout)
    return {
        "tps": round(tps, 1),
        "latency_ms": latency,
        "slots": slot_count,
        "clients": args.connections,
        "failed": int(failed.group(1)) if failed else 0,
        "protocol": "prepared",
    }


def pgbench_cleanup() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_pg_booking, bench_pg_slot; DROP SEQUENCE IF EXISTS bench_pg_code_seq"
        )


# --- invariants -------------------------------------------------------------------------


def check_invariants(slot_ids: list[int], codes_seen: list[str], sold_out_ids: list[int]) -> dict:
    """What the database says after the floods, compared with what clients were told.

    overbooked: places beyond capacity (booked or active bookings); lost: a 201 whose
    booking is missing, or a place taken with no booking; duplicated: the same code
    answered twice, bookings beyond the places taken, or one person holding two active
    bookings; unacknowledged: bookings no client was told about (only a request still
    in flight when the load stopped may have made one).
    """
    from django.db.models import Count, Q

    from applicants.models import ACTIVE_STATUSES, Booking
    from offices.models import Slot

    active = Q(bookings__status__in=list(ACTIVE_STATUSES))
    slots = Slot.objects.filter(id__in=slot_ids).annotate(active=Count("bookings", filter=active))
    overbooked = lost = duplicated = 0
    for slot in slots:
        overbooked += max(slot.booked - slot.capacity, slot.active - slot.capacity, 0)
        lost += max(slot.booked - slot.active, 0)
        duplicated += max(slot.active - slot.booked, 0)
    db_codes = list(Booking.objects.filter(slot_id__in=slot_ids).values_list("code", flat=True))
    db_set, seen_set = set(db_codes), set(codes_seen)
    lost += len(seen_set - db_set)
    duplicated += (len(codes_seen) - len(seen_set)) + (len(db_codes) - len(db_set))
    people = (
        Booking.objects.filter(slot_id__in=slot_ids, status__in=list(ACTIVE_STATUSES))
        .values("nik_hash", "person_slot")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    duplicated += sum(row["n"] - 1 for row in people)
    not_full = Slot.objects.filter(id__in=sold_out_ids).exclude(booked=PLACES_PER_SESSION).count()
    return {
        "overbooked": overbooked,
        "lost": lost,
        "duplicated": duplicated,
        "unacknowledged": len(db_set - seen_set),
        "bookings": len(db_codes),
        "ok_201": len(codes_seen),
        "slots_checked": len(slot_ids),
        "sold_out_slots_not_full": not_full,
    }


# --- main ---------------------------------------------------------------------------------


def interpreter() -> str:
    """The CPython build that runs the app (gunicorn's workers use this one): the same code's
    bare view ran about 15 % faster on Debian's PGO and LTO build than on pyenv's default
    one (docs/performance.md, round 19), so runs on different builds compare badly.

    Names the executable, whether libpython is a shared library (pyenv's build, python.org's
    images) or linked into it (Debian's), and the configure flags for PGO and LTO when given.
    """
    try:
        maps = Path("/proc/self/maps").read_text()
        shared = "libpython" in maps
    except OSError:
        shared = bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))
    configured = sysconfig.get_config_var("CONFIG_ARGS") or ""
    flags = [flag for flag in ("--enable-optimizations", "--with-lto") if flag in configured]
    parts = [os.path.realpath(sys.executable), "libpython shared" if shared else "libpython in the executable", *flags]
    return ", ".join(parts)


def versions() -> dict:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return ""

    import django

    return {
        "python": platform.python_version(),
        "python_build": interpreter(),
        "django": django.get_version(),
        "postgresql": out(["psql", "--version"]),
        "redis": out(["redis-server", "--version"]),
        "wrk": out(["wrk", "-v"]),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "commit": out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
    }


class Bench:
    """One run: the scenarios in order, then pgbench, the invariants and the report."""

    def __init__(self, args: argparse.Namespace, run_dir: Path, server: subprocess.Popen, port: int, setup: dict):
        self.args = args
        self.run_dir = run_dir
        self.server = server
        self.runner = Runner(args, run_dir, f"http://127.0.0.1:{port}")
        self.offices = setup["offices"]
        self.flood_date = setup["flood_date"].isoformat()
        self.availability_paths = [
            f"/api/v1/offices/{office['code']}/availability/?start={setup['start'].isoformat()}&days={AVAILABILITY_DAYS}"
            for office in self.offices[:AVAILABILITY_OFFICES]
        ]
        self.scenarios: dict[str, dict] = {}
        self.order: list[str] = []  # as they ran; the bare runs between them divide their neighbours
        self.cpu: dict[str, dict] = {}
        self.profile: dict[str, str] = {}
        self.flooded_slots: list[int] = []
        self.sold_out_slots: list[int] = []
        self.book_labels: list[str] = []
        from django.conf import settings

        self.local_cache_s = settings.AVAILABILITY_LOCAL_CACHE_SECONDS

    def targets(self, offices: list[dict], only: set[int] | None = None) -> list[list]:
        return [
            [office["code"], self.flood_date, slot_id, track]
            for office in offices
            for slot_id, track in office["slots"]
            if only is None or slot_id in only
        ]

    def measure(self, name: str, runs: list[dict]) -> None:
        self.scenarios[name] = summary.scenario_from_wrk(name, runs)
        self.order.append(name)
        self.cpu[name] = merge_cpu(runs)
        s = self.scenarios[name]
        log(
            f"{name}: {s['rps']:,.0f} req/s, {s['bookings']} bookings ({s['bookings_per_s']:,.0f}/s),"
            f" p99 {s['latency_ms']['p99']} ms, {s['errors']} errors"
        )

    def run(self, name: str, data: dict, *, label: str = "", progress: bool = True) -> dict:
        spy = None
        if self.args.profile == name and label in ("", f"{name}-00"):
            seconds = min(data["duration"], self.args.duration)
            spy = start_profile(
                self.run_dir, name, worker_pids(self.server.pid), seconds, idle=not self.args.profile_cpu
            )
        try:
            return self.runner.wrk(label or name, {"scenario": name, **data}, progress=progress)
        finally:
            self.profile.update(finish_profile(spy))

    def warm_up(self) -> None:
        log("warming up (not measured)")
        self.runner.wrk("warmup-bare", {"kind": "get", "duration": 2, "paths": [BARE_PATH, STACK_PATH]}, progress=False)
        self.runner.wrk(
            "warmup-availability", {"kind": "get", "duration": 2, "paths": self.availability_paths}, progress=False
        )
        # Every worker's first booking opens its broker connection and imports the
        # booking path: done here, on an office no scenario (nor the invariants) uses.
        targets = self.targets([self.offices[WARMUP_OFFICE]])
        pool = str(self.runner.pool("warmup-book", 2000))
        self.runner.wrk(
            "warmup-book", {"kind": "book", "duration": 2, "targets": targets, "pool": pool}, progress=False
        )

    def bare(self, d: float) -> None:
        log(f"bare: {d:.0f} s of GET {BARE_PATH} (no middleware)")
        self.measure("bare", [self.run("bare", {"kind": "get", "duration": d, "paths": [BARE_PATH]})])

    def bare_between(self, d: float) -> None:
        """A short bare run between app scenarios (see ``summary.BARE_BETWEEN``)."""
        name = f"{summary.BARE_BETWEEN}{sum(1 for n in self.order if summary.is_yardstick(n)) + 1}"
        seconds = max(d * BETWEEN_SHARE, BETWEEN_MIN_S)
        log(f"{name}: {seconds:.0f} s of GET {BARE_PATH} (the yardstick of the scenarios around it)")
        self.measure(name, [self.run(name, {"kind": "get", "duration": seconds, "paths": [BARE_PATH]})])

    def stack(self, d: float) -> None:
        log(f"stack: {d:.0f} s of GET {STACK_PATH} (the bare view through the product's middleware)")
        self.measure("stack", [self.run("stack", {"kind": "get", "duration": d, "paths": [STACK_PATH]})])

    def availability(self, d: float) -> None:
        # The cold start first: nothing cached anywhere, so the first read fills the
        # cache for every office and every worker builds its own kept answers at the
        # same moment. Without this run, how long the scenarios before had lasted
        # decided whether the measured reads began cold.
        reset_redis(self.args.redis_url)
        time.sleep(self.local_cache_s)  # and each process's kept answers have expired
        log(f"{summary.AVAILABILITY_COLD}: {AVAILABILITY_COLD_S:.0f} s of the same reads from a cold cache")
        data = {"kind": "get", "duration": AVAILABILITY_COLD_S, "paths": self.availability_paths}
        self.measure(summary.AVAILABILITY_COLD, [self.run(summary.AVAILABILITY_COLD, data)])
        log(f"availability: {d:.0f} s across {len(self.availability_paths)} offices, {AVAILABILITY_DAYS} days each")
        run = self.run("availability", {"kind": "get", "duration": d, "paths": self.availability_paths})
        self.measure("availability", [run])

    def flood_many(self, d: float) -> None:
        targets = self.targets(self.offices[:FLOOD_OFFICES])
        count = FLOOD_FACTOR * DAY_QUOTA * FLOOD_OFFICES
        log(
            f"flood_many: {d:.0f} s, {FLOOD_OFFICES} offices, {count:,} applicants for {count // FLOOD_FACTOR:,} places"
        )
        pool = str(self.runner.pool("flood_many", count))
        self.measure(
            "flood_many", [self.run("flood_many", {"kind": "book", "duration": d, "targets": targets, "pool": pool})]
        )
        self.flooded_slots += [t[2] for t in targets]
        self.book_labels.append("flood_many")

    def flood_one(self, d: float, *, measured: bool) -> None:
        log(f"flood_one: {d:.0f} s of rounds, each a fresh office-day: {DAY_QUOTA} places, {FLOOD_FACTOR}x applicants")
        runs, spent = [], 0.0
        for round_no in range(MAX_ROUNDS):
            targets = self.targets([self.offices[FLOOD_OFFICES + round_no]])
            label = f"flood_one-{round_no:02d}"
            pool = str(self.runner.pool(label, FLOOD_FACTOR * DAY_QUOTA))
            # A round ends when its applicants are used up; the day sells out long
            # before, which sold_out needs. The cap only bounds a machine too slow for that.
            data = {"kind": "book", "duration": ROUND_CAP_S, "targets": targets, "pool": pool}
            runs.append(self.run("flood_one", data, label=label, progress=False))
            self.flooded_slots += [t[2] for t in targets]
            self.sold_out_slots += [t[2] for t in targets]
            self.book_labels.append(label)
            spent += runs[-1]["cpu"]["wall_s"]
            if spent >= d or not measured:
                break
        if measured:
            self.measure("flood_one", runs)

    def sold_out(self, d: float) -> None:
        full = full_slots(self.sold_out_slots)
        if len(full) < len(self.sold_out_slots):
            log(f"sold_out: only {len(full)} of {len(self.sold_out_slots)} flooded sessions sold out; using those")
        targets = self.targets(self.offices[FLOOD_OFFICES : FLOOD_OFFICES + MAX_ROUNDS], only=full)
        if not targets:
            sys.exit("bench: no session sold out in flood_one; nothing to measure for sold_out")
        log(f"sold_out: {d:.0f} s against {len(targets)} sold-out sessions, fresh applicants")
        pool = str(self.runner.pool("sold_out", int(d * SOLD_OUT_POOL_PER_S)))
        self.measure(
            "sold_out", [self.run("sold_out", {"kind": "book", "duration": d, "targets": targets, "pool": pool})]
        )
        self.book_labels.append("sold_out")

    def scenarios_in_order(self) -> None:
        only, d = self.args.only, self.args.duration
        self.warm_up()
        if "bare" in only:
            self.bare(d)
        if "stack" in only:
            self.stack(d)
        if "availability" in only:
            self.availability(d)
        bracket = "bare" in only
        if "flood_many" in only:
            if bracket and self.order[-1:] != ["bare"]:
                self.bare_between(d)
            self.flood_many(d)
        if "flood_one" in only or "sold_out" in only:
            if bracket and self.order[-1:] != ["bare"]:
                self.bare_between(d)
            self.flood_one(d, measured="flood_one" in only)
        if "sold_out" in only:
            self.sold_out(d)
        if "bare" in only and set(only) & set(summary.APP_SCENARIOS):
            log(f"bare again: {d:.0f} s of GET {BARE_PATH} (with the runs before it, the yardstick of each scenario)")
            run = self.run(summary.BARE_AGAIN, {"kind": "get", "duration": d, "paths": [BARE_PATH]})
            self.measure(summary.BARE_AGAIN, [run])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    ensure_tools()
    started = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    run_dir = ROOT / "var" / "bench" / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    port = args.port or free_port()
    env = server_env(args, port, run_dir)
    os.environ.update(env)

    ensure_database(args.database_url)
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    log(f"migrating {pg_params(args.database_url)['dbname']} (PostgreSQL over {pg_transport(args.database_url)})")
    call_command("migrate", "--no-input", verbosity=0)
    start, flood_date = bench_dates()
    offices = prepare(start, flood_date, max(AVAILABILITY_OFFICES, FLOOD_OFFICES + MAX_ROUNDS + 1))
    flushed = checkpoint()
    if flushed is not None:
        log(f"CHECKPOINT took {flushed:.1f} s")
    connections.close_all()
    reset_redis(args.redis_url)
    last = start + dt.timedelta(days=AVAILABILITY_DAYS - 1)
    log(f"{len(offices)} offices with sessions {start} .. {last}; the flood is on {flood_date}")

    background = background_busy()
    if background > BUSY_WARNING:
        log(f"WARNING: the machine is {background:.0%} busy before the bench starts; numbers will be low")
    server = start_server(env, run_dir, port, shlex.split(args.gunicorn_args))
    log(f"gunicorn up on 127.0.0.1:{port}, {args.workers} sync workers (deploy/gunicorn.conf.py)")
    log(f"Python {platform.python_version()}: {interpreter()}")
    bench = Bench(args, run_dir, server, port, {"offices": offices, "start": start, "flood_date": flood_date})
    try:
        bench.scenarios_in_order()
    finally:
        if not args.keep_server:
            stop_server(server)

    result: dict = {
        "meta": {
            "started_at": started.isoformat(timespec="seconds"),
            "command": " ".join(["bench/run.py", *argv]),
            "machine": {**versions(), "busy_before_start": background, "checkpoint_before_s": flushed},
            "config": {
                "duration_s": args.duration,
                "connections": args.connections,
                "wrk_threads": args.threads,
                "gunicorn_workers": args.workers,
                "gunicorn_config": "deploy/gunicorn.conf.py (sync workers)",
                "gunicorn_args": args.gunicorn_args,
                "flood_date": flood_date.isoformat(),
                "day_quota": DAY_QUOTA,
                "sessions_per_day": len(SESSIONS),
                "flood_factor": FLOOD_FACTOR,
                "settings": "DEBUG=0, PostgreSQL, Redis, RATELIMIT_ENABLE=0, X-Forwarded-Proto: https",
                "database": pg_transport(args.database_url),
            },
        },
        "scenarios": bench.scenarios,
        "order": bench.order,
        "cpu": bench.cpu,
        # Read after gunicorn stopped: each worker writes its last sums as it exits.
        "in_app": summary.read_request_times(run_dir / "request-times"),
    }
    if bench.profile:
        result["profile"] = bench.profile
    if "pgbench" in args.only:
        result["pgbench"] = {
            "many": pgbench_run(args, run_dir, "many", FLOOD_OFFICES * len(SESSIONS)),
            "one": pgbench_run(args, run_dir, "one", len(SESSIONS)),
        }
        pgbench_cleanup()
    if bench.flooded_slots:
        codes = read_codes(run_dir, bench.book_labels)
        result["invariants"] = check_invariants(bench.flooded_slots, codes, bench.sold_out_slots)
    result["summary"] = summary.summarize(result)

    print()
    print(summary.render(result))
    print()
    RESULTS_DIR.mkdir(exist_ok=True)
    output = Path(args.output) if args.output else RESULTS_DIR / f"{stamp}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    output.with_suffix(".svg").write_text(chart.render_svg(result))
    log(f"wrote {output} and its chart {output.with_suffix('.svg').name}; raw logs in {run_dir}")
    if args.example:
        (RESULTS_DIR / "example.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS_DIR / "example.svg").write_text(chart.render_svg(result))
    return 0


# --- profiling --------------------------------------------------------------------------


def start_profile(run_dir: Path, name: str, pids: list[int], duration: float, *, idle: bool = True) -> dict | None:
    """Sample one gunicorn worker with py-spy while the scenario runs (with ``idle``,
    time spent waiting on PostgreSQL, Redis and the client too); collapsed stacks to
    a text file."""
    py_spy = VENV_BIN / "py-spy"
    if not py_spy.exists() or not pids:
        log("profile: py-spy is not installed in the venv (pip install -r requirements-dev.txt)")
        return None
    out = run_dir / f"profile-{name}.txt"
    cmd = [str(py_spy), "record", "--pid", str(pids[0]), "--duration", str(int(duration)), "--rate", "250"]
    cmd += (["--idle"] if idle else []) + ["--nonblocking", "--format", "raw", "--output", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"proc": proc, "out": str(out), "name": name}


def finish_profile(spy: dict | None) -> dict:
    if not spy:
        return {}
    try:
        spy["proc"].wait(timeout=60)
    except subprocess.TimeoutExpired:
        spy["proc"].terminate()
    return {spy["name"]: spy["out"]}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
