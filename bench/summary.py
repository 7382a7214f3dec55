"""Turn raw bench measurements into rates, ratios, target checks and a table.

Pure functions over plain dicts, so the arithmetic is tested without a server
(tests/bench/test_bench_harness.py). ``bench/run.py`` gathers the raw numbers.
"""

import json
import os
from typing import Any

SCENARIO_ORDER = ["bare", "stack", "availability", "flood_many", "flood_one", "sold_out"]
# The product's own scenarios: each has a p99 target, and any of them runs the bare view
# again at the end. ``stack`` (the bare view through the product's middleware) is
# reported beside the yardstick, with no target of its own.
APP_SCENARIOS = ["availability", "flood_many", "flood_one", "sold_out"]
# With any app scenario, the bare view runs once more at the end. The yardstick is the
# mean of both runs, and their difference shows how far the machine's speed drifted
# while the app was measured (on a shared 2-core VM, ±15 % between identical runs).
BARE_AGAIN = "bare_end"
# The first seconds of the availability reads, from a cold cache: reported, no target.
AVAILABILITY_COLD = "availability_cold"
REPORT_ORDER = ["bare", "stack", AVAILABILITY_COLD, *SCENARIO_ORDER[2:], BARE_AGAIN]
# Short bare runs between the app scenarios ("bare_2", "bare_3", ...): this VM's speed can
# change for minutes at a time, and a slow spell in the middle of a run is invisible to
# the bare runs at its two ends. Each scenario is divided by the bare runs just before and
# just after it (``yardsticks``); the run order is kept in the result as ``order``.
BARE_BETWEEN = "bare_"


def read_request_times(directory) -> dict[str, dict]:
    """The sums bench/wsgi.py's workers wrote in ``directory``, added up: ``{scenario: {"requests",
    "cpu_ms", "wall_ms"}}``, the times per request."""
    total: dict[str, list] = {}
    for name in sorted(os.listdir(directory)):
        if not (name.startswith("request-times-") and name.endswith(".json")):
            continue
        with open(os.path.join(directory, name)) as handle:
            for scenario, (count, cpu_s, wall_s) in json.load(handle).items():
                entry = total.setdefault(scenario, [0, 0.0, 0.0])
                entry[0] += count
                entry[1] += cpu_s
                entry[2] += wall_s
    return {
        scenario: {
            "requests": count,
            "cpu_ms": round(cpu_s / count * 1000, 3),
            "wall_ms": round(wall_s / count * 1000, 3),
        }
        for scenario, (count, cpu_s, wall_s) in total.items()
        if count
    }


def is_yardstick(name: str) -> bool:
    """Whether ``name`` is a run of the bare view (first, between scenarios, or last)."""
    return name == "bare" or name.startswith(BARE_BETWEEN)


def is_between(name: str) -> bool:
    """Whether ``name`` is one of the short bare runs between the app scenarios."""
    return name.startswith(BARE_BETWEEN) and name != BARE_AGAIN


DRIFT_WARNING = 0.10
# What each scenario may answer; anything else is an error.
EXPECTED = {
    "bare": {"200"},
    "stack": {"200"},
    "availability": {"200"},
    AVAILABILITY_COLD: {"200"},
    "flood_many": {"201", "409:session_full"},
    "flood_one": {"201", "409:session_full"},
    "sold_out": {"409:session_full"},
    BARE_AGAIN: {"200"},
}
TITLES = {
    "bare": "bare Django JSON view (baseline)",
    "stack": "the same through our middleware",
    "availability": "availability reads, 100 offices",
    AVAILABILITY_COLD: "the same, first 3 s from a cold cache",
    "flood_many": "booking flood, 50 offices",
    "flood_one": "booking flood, one office-day (400)",
    "sold_out": "after sold out (session_full)",
    BARE_AGAIN: "bare view again, after the rest",
}


def title(name: str) -> str:
    return TITLES.get(name) or ("bare view, between scenarios" if is_yardstick(name) else name)


P99_LIMIT_MS = 100.0
# (name, what is compared, minimum share of the bare view's requests/s)
RATE_TARGETS = [
    ("availability reads", "availability", "rps", 0.60),
    ("session_full answers", "sold_out", "rps", 0.60),
    ("bookings/s, 50 offices", "flood_many", "bookings_per_s", 0.17),
    ("bookings/s, one office-day", "flood_one", "bookings_per_s", 0.14),
]


def scenario_from_wrk(name: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge one or more wrk runs (the rounds of a scenario) into one scenario record.

    Each run is the JSON line bench.lua prints, with ``load_cpu_s`` added by run.py.
    Rates use the threads' own clocks: from the first request sent to the last answer
    received, summed over rounds. Bookings/s uses the time until the last booking was
    confirmed, which is the selling time when a day sells out.
    """
    statuses: dict[str, int] = {}
    socket_errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    active_s = selling_s = load_cpu_s = 0.0
    requests = sent = 0
    latency = {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    for run in runs:
        threads = run["threads"]
        for thread in threads:
            for key, count in (thread["statuses"] or {}).items():
                statuses[key] = statuses.get(key, 0) + int(count)
            sent += int(thread["sent"])
        starts = [t["t_first"] for t in threads if t["t_first"] > 0]
        ends = [t["t_last"] for t in threads if t["t_last"] > 0]
        oks = [t["t_last_ok"] for t in threads if t["t_last_ok"] > 0]
        if starts and ends:
            active_s += max(ends) - min(starts)
        if starts and oks:
            selling_s += max(oks) - min(starts)
        requests += int(run["requests"])
        for key in socket_errors:
            socket_errors[key] += int(run["errors"][key])
        load_cpu_s += float(run.get("load_cpu_s", 0.0))
        # Rounds are alike; the worst round's percentiles are the honest merge.
        for key in latency:
            latency[key] = max(latency[key], run["latency_us"][key] / 1000.0)
    answered = sum(statuses.values())
    bookings = statuses.get("201", 0)
    expected = EXPECTED["bare" if is_yardstick(name) else name]
    errors_by_status = {key: count for key, count in sorted(statuses.items()) if key not in expected}
    errors = sum(errors_by_status.values()) + sum(socket_errors.values())
    return {
        "rounds": len(runs),
        "requests": answered,
        "wrk_requests": requests,
        "active_s": round(active_s, 3),
        "rps": round(answered / active_s, 1) if active_s else 0.0,
        "bookings": bookings,
        "selling_s": round(selling_s, 3),
        "bookings_per_s": round(bookings / selling_s, 1) if selling_s and bookings else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "errors": errors,
        "errors_by_status": errors_by_status,
        "socket_errors": socket_errors,
        # Sent but not answered when the threads stopped at their deadline: not errors,
        # but the only requests whose booking a client may not have heard about.
        "in_flight_at_stop": max(sent - answered, 0),
        "latency_ms": {key: round(value, 2) for key, value in latency.items()},
        "load_cpu_s": round(load_cpu_s, 2),
        "load_cpu_share": round(load_cpu_s / active_s, 3) if active_s else 0.0,
    }


def baseline(scenarios: dict[str, Any]) -> tuple[float, float | None]:
    """The bare view's req/s every ratio divides by, and its drift during the run:
    the mean of the first and the last bare run, and (last - first) / mean; with one
    bare run, its rate and ``None``."""
    first = scenarios.get("bare", {}).get("rps", 0.0)
    again = scenarios.get(BARE_AGAIN, {}).get("rps")
    if not first or not again:
        return first, None
    mean = (first + again) / 2
    return mean, (again - first) / mean


def run_order(result: dict[str, Any]) -> list[str]:
    """The scenarios in the order they ran (``order``, or the usual order for older results)."""
    scenarios = result["scenarios"]
    order = result.get("order") or [name for name in REPORT_ORDER if name in scenarios]
    return [name for name in order if name in scenarios]


def yardsticks(result: dict[str, Any]) -> dict[str, float]:
    """Each scenario's own yardstick: the mean of the bare runs just before and just after
    it (one of them at either end). Bare runs themselves get the run's ``baseline``."""
    scenarios = result["scenarios"]
    order = run_order(result)
    overall = baseline(scenarios)[0]
    sticks = {}
    for index, name in enumerate(order):
        if is_yardstick(name):
            sticks[name] = overall
            continue
        before = next((scenarios[n]["rps"] for n in reversed(order[:index]) if is_yardstick(n)), None)
        after = next((scenarios[n]["rps"] for n in order[index + 1 :] if is_yardstick(n)), None)
        around = [value for value in (before, after) if value]
        sticks[name] = sum(around) / len(around) if around else overall
    return sticks


def per_request(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each scenario's CPU per request under load, in ms, split where it was spent.

    ``in_app`` (bench/wsgi.py) is the workers' time inside the WSGI application, and
    ``requests`` the requests it counted there; ``cpu`` the processes' CPU while the
    scenario ran. What the workers spent outside the application is gunicorn and the
    kernel: accepting, reading and answering the connection, and closing it.
    """
    cpu = result.get("cpu", {})
    cores = result.get("meta", {}).get("machine", {}).get("cpus") or 2
    rows = {}
    for name, inside in result.get("in_app", {}).items():
        if name not in cpu or not inside["requests"]:
            continue
        count, c = inside["requests"], cpu[name]
        worker_ms = c["app_s"] / count * 1000
        rows[name] = {
            "requests": count,
            "in_app_cpu_ms": inside["cpu_ms"],
            "in_app_wall_ms": inside["wall_ms"],
            "worker_cpu_ms": round(worker_ms, 3),
            "outside_app_cpu_ms": round(max(worker_ms - inside["cpu_ms"], 0.0), 3),
            "postgres_cpu_ms": round(c["postgres_s"] / count * 1000, 3),
            "machine_cpu_ms": round(c["machine_busy"] * c["wall_s"] * cores / count * 1000, 3),
        }
    return rows


def queueing_mean_ms(connections: int | None, rps: float) -> float | None:
    """The mean latency that the rate alone implies, in ms (Little's law).

    wrk keeps every connection busy: as soon as an answer comes, that connection asks
    again. With ``connections`` requests open and ``rps`` answered a second, a request
    is open ``connections / rps`` seconds on average (a little less, for the moments a
    connection is between an answer and its next request), however the server orders
    them. Unless a few requests wait very long, a p99 under 100 ms therefore needs more
    than ``connections / 0.1`` answers a second (640 with 64 connections); the report
    prints this mean beside each p99, so that a missed p99 can be read as a rate.
    """
    if not connections or not rps:
        return None
    return round(connections / rps * 1000, 1)


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """Ratios to the bare view, the target checks and the overall verdict."""
    scenarios = result["scenarios"]
    bare_rps, drift = baseline(scenarios)
    sticks = yardsticks(result)
    stack_rps = scenarios.get("stack", {}).get("rps") or None
    for name, record in scenarios.items():
        yardstick = sticks.get(name, bare_rps)
        record["yardstick_rps"] = round(yardstick, 1) if yardstick else None
        record["rps_ratio"] = round(record["rps"] / yardstick, 3) if yardstick else None
        record["bookings_ratio"] = round(record["bookings_per_s"] / yardstick, 3) if yardstick else None
        record["stack_ratio"] = round(record["rps"] / stack_rps, 3) if stack_rps else None

    checks = []
    for label, scenario, field, minimum in RATE_TARGETS:
        if scenario not in scenarios:
            continue
        value = scenarios[scenario][field]
        yardstick = sticks.get(scenario, bare_rps)
        ratio = value / yardstick if yardstick else 0.0
        checks.append(
            {
                "target": f"{label} >= {minimum:.0%} of bare",
                "measured": f"{value:,.0f}/s = {ratio:.1%}",
                "ok": ratio >= minimum,
            }
        )
    connections = result.get("meta", {}).get("config", {}).get("connections")
    for scenario in APP_SCENARIOS:
        if scenario not in scenarios:
            continue
        record = scenarios[scenario]
        p99 = record["latency_ms"]["p99"]
        measured = f"{p99} ms"
        queued = queueing_mean_ms(connections, record["rps"])
        if queued is not None:
            record["queueing_mean_ms"] = queued
            measured += f" (mean ≈ {connections} ÷ {record['rps']:,.0f}/s = {queued:.0f} ms)"
        checks.append({"target": f"p99 < {P99_LIMIT_MS:.0f} ms, {scenario}", "measured": measured, "ok": p99 < 100})
    total_errors = sum(record["errors"] for name, record in scenarios.items())
    checks.append({"target": "0 errors", "measured": str(total_errors), "ok": total_errors == 0})
    invariants = result.get("invariants", {})
    for key in ("overbooked", "lost", "duplicated"):
        if key in invariants:
            value = invariants[key]
            checks.append({"target": f"0 {key}", "measured": str(value), "ok": value == 0})
    if "unacknowledged" in invariants:
        in_flight = sum(
            scenarios[name]["in_flight_at_stop"]
            for name in ("flood_many", "flood_one", "sold_out")
            if name in scenarios
        )
        checks.append(
            {
                "target": "bookings no client heard of <= requests in flight at stop",
                "measured": f"{invariants['unacknowledged']} <= {in_flight}",
                "ok": invariants["unacknowledged"] <= in_flight,
            }
        )

    pg = result.get("pgbench", {})
    pg_ratios = {}
    for scenario, pg_key in (("flood_many", "many"), ("flood_one", "one")):
        tps = pg.get(pg_key, {}).get("tps")
        if tps and scenario in scenarios:
            pg_ratios[scenario] = round(scenarios[scenario]["bookings_per_s"] / tps, 3)
    return {
        "bare_rps": round(bare_rps, 1),
        "stack_rps": stack_rps,
        "bare_drift": None if drift is None else round(drift, 3),
        "checks": checks,
        "all_ok": all(check["ok"] for check in checks),
        "app_to_pgbench": pg_ratios,
        "per_request": per_request(result),
    }


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header))]
    lines.append("-+-".join("-" * width for width in widths))
    lines += [" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    return "\n".join(lines)


def render(result: dict[str, Any]) -> str:
    """The human-readable report printed at the end of a run."""
    scenarios = result["scenarios"]
    summary = result["summary"]
    with_stack = "stack" in scenarios
    rows = []
    for name in run_order(result):
        s = scenarios[name]
        ratio = f"{s['rps_ratio']:.0%}" if s.get("rps_ratio") is not None else "-"
        booked = f"{s['bookings_per_s']:,.0f}" if s["bookings"] else "-"
        if s["bookings"] and s.get("bookings_ratio") is not None:
            booked += f" ({s['bookings_ratio']:.0%})"
        lat = s["latency_ms"]
        statuses = " ".join(f"{key}={count}" for key, count in s["statuses"].items())
        by_stack = [f"{s['stack_ratio']:.0%}" if s.get("stack_ratio") is not None else "-"] if with_stack else []
        rows.append(
            [
                title(name),
                f"{s['rps']:,.0f}",
                ratio,
                *by_stack,
                booked,
                f"{lat['p50']:.1f}",
                f"{lat['p95']:.1f}",
                f"{lat['p99']:.1f}",
                str(s["errors"]),
                statuses,
            ]
        )
    parts = [
        _table(
            [
                "scenario",
                "req/s",
                "vs bare",
                *(["vs stack"] if with_stack else []),
                "bookings/s (vs bare)",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "answers",
            ],
            rows,
        )
    ]
    drift = summary.get("bare_drift")
    if drift is not None:
        first, again = scenarios["bare"]["rps"], scenarios[BARE_AGAIN]["rps"]
        note = (
            f"vs bare: against {summary['bare_rps']:,.0f} req/s, the mean of the bare view before ({first:,.0f})"
            f" and after ({again:,.0f}) the rest; it drifted {drift:+.0%} during the run"
        )
        if abs(drift) > DRIFT_WARNING:
            note += f" (more than {DRIFT_WARNING:.0%}: the machine's speed changed; compare several runs)"
        between = [name for name in run_order(result) if is_between(name)]
        if between:
            rates = ", ".join(f"{scenarios[name]['rps']:,.0f}" for name in between)
            note += (
                f". Each app scenario is divided by the bare runs just before and after it"
                f" (between scenarios: {rates} req/s); the targets use those"
            )
        parts.append(note)
    if with_stack:
        parts.append(
            f"vs stack: against {scenarios['stack']['rps']:,.0f} req/s, the bare view through the product's"
            " middleware: the least any request of this app costs. For reading only; the targets are against bare."
        )
    cpu = result.get("cpu", {})
    cores = result.get("meta", {}).get("machine", {}).get("cpus") or 2
    if cpu:
        cpu_rows = []
        for name in REPORT_ORDER:
            if name not in cpu or name not in scenarios:
                continue
            c, wall = cpu[name], cpu[name]["wall_s"] or 1.0

            def share(seconds: float, wall: float = wall) -> str:
                return f"{seconds / (wall * cores):.0%}"

            ours = c["app_s"] + c["postgres_s"] + c["redis_s"] + scenarios[name]["load_cpu_s"]
            other = max(c["machine_busy"] - ours / (wall * cores), 0.0)
            cpu_rows.append(
                [
                    TITLES[name],
                    share(c["app_s"]),
                    share(c["postgres_s"]),
                    share(c["redis_s"]),
                    share(scenarios[name]["load_cpu_s"]),
                    f"{other:.0%}",
                    f"{c['machine_busy']:.0%}",
                ]
            )
        parts.append(
            _table(
                [f"share of {cores} cores", "app (gunicorn)", "PostgreSQL", "Redis", "wrk", "irq, others", "busy"],
                cpu_rows,
            )
        )
    costs = summary.get("per_request", {})
    if costs:
        cost_rows = [
            [
                title(name),
                f"{c['in_app_cpu_ms']:.3f}",
                f"{c['in_app_wall_ms']:.3f}",
                f"{c['outside_app_cpu_ms']:.3f}",
                f"{c['worker_cpu_ms']:.3f}",
                f"{c['postgres_cpu_ms']:.3f}",
                f"{c['machine_cpu_ms']:.3f}",
            ]
            for name in run_order(result)
            if (c := costs.get(name))
        ]
        parts.append(
            _table(
                [
                    "ms per request, under load",
                    "app CPU",
                    "app wall",
                    "gunicorn+kernel CPU",
                    "worker CPU",
                    "PostgreSQL CPU",
                    "whole machine",
                ],
                cost_rows,
            )
        )
        parts.append(
            "app: inside the WSGI application (Django and the product), each worker's own clocks;"
            " gunicorn+kernel: the rest of the workers' CPU (the connection's accept, read, write and close);"
            " whole machine: every busy core, wrk included."
        )
    pg = result.get("pgbench", {})
    if pg:
        pg_rows = []
        for key, label in (("many", "flood_many"), ("one", "flood_one")):
            if key in pg:
                ratio = summary["app_to_pgbench"].get(label)
                pg_rows.append(
                    [
                        f"pgbench booking SQL, {pg[key]['slots']} slots",
                        f"{pg[key]['tps']:,.0f} tps",
                        f"{pg[key]['latency_ms']:.2f} ms avg",
                        f"app/pgbench = {ratio:.1%}" if ratio is not None else "-",
                    ]
                )
        parts.append(_table(["raw PostgreSQL limit", "rate", "latency", "app bookings/s vs it"], pg_rows))
    invariants = result.get("invariants")
    if invariants:
        parts.append(
            "invariants (read from the database): "
            + ", ".join(
                f"{key}={invariants[key]}"
                for key in ("overbooked", "lost", "duplicated", "unacknowledged", "bookings", "ok_201")
            )
        )
    parts.append(
        _table(
            ["target", "measured", "result"],
            [[check["target"], check["measured"], "PASS" if check["ok"] else "MISS"] for check in summary["checks"]],
        )
    )
    return "\n\n".join(parts)
