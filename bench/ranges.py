#!/usr/bin/env python
"""Several runs of `make bench` side by side, and the range of each figure over them.

One run on a shared machine says little: the bare view alone moves by a quarter within
minutes (docs/performance.md). docs/performance.md quotes ranges over several runs,
made with this:

    .venv/bin/python bench/ranges.py bench/results/2026*.json
"""

import json
import sys
from pathlib import Path

# (scenario, what is read from it, label); each figure gets one column per run.
FIGURES = [
    ("bare", "rps", "bare view, first run (req/s)"),
    ("availability_cold", "p99", "availability, cold start: p99 (ms)"),
    ("availability", "rps_ratio", "availability (share of bare)"),
    ("availability", "p99", "availability: p99 (ms)"),
    ("flood_many", "bookings_per_s", "flood, 50 offices (bookings/s)"),
    ("flood_many", "bookings_ratio", "flood, 50 offices (share of bare)"),
    ("flood_many", "p99", "flood, 50 offices: p99 (ms)"),
    ("flood_many", "mean", "flood, 50 offices: mean (ms)"),
    ("flood_one", "bookings_per_s", "flood, one office-day (bookings/s)"),
    ("flood_one", "bookings_ratio", "flood, one office-day (share of bare)"),
    ("flood_one", "p99", "flood, one office-day: p99 (ms)"),
    ("sold_out", "rps_ratio", "sold out (share of bare)"),
    ("sold_out", "p99", "sold out: p99 (ms)"),
    ("flood_many", "machine_cpu_ms", "a booking, whole machine (ms)"),
    ("flood_many", "in_app_cpu_ms", "a booking, app CPU (ms)"),
    ("flood_many", "postgres_cpu_ms", "a booking, PostgreSQL CPU (ms)"),
    ("bare", "machine_cpu_ms", "a bare view, whole machine (ms)"),
]


def figure(result: dict, scenario: str, name: str) -> float | None:
    data = result["scenarios"].get(scenario)
    if data is None:
        return None
    if name in ("p99", "mean"):
        return data["latency_ms"][name]
    if name.endswith("_ms"):
        return result["summary"]["per_request"].get(scenario, {}).get(name)
    return data.get(name)


def shown(value: float | None, name: str) -> str:
    if value is None:
        return "-"
    if name.endswith("ratio"):
        return f"{value * 100:.1f}%"
    if name.endswith("_ms"):
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(paths: list[Path]) -> str:
    results = [json.loads(path.read_text()) for path in paths]
    width = max(len(label) for *_, label in FIGURES)
    lines = [f"{'':{width}} | " + " | ".join(f"{path.stem:>16}" for path in paths) + " | range"]
    for scenario, name, label in FIGURES:
        values = [figure(result, scenario, name) for result in results]
        known = [v for v in values if v is not None]
        span = f"{shown(min(known), name)} - {shown(max(known), name)}" if known else "-"
        lines.append(f"{label:{width}} | " + " | ".join(f"{shown(v, name):>16}" for v in values) + f" | {span}")
    checks = [{c["target"]: c["ok"] for c in result["summary"]["checks"]} for result in results]
    lines.append("")
    for target in dict.fromkeys(target for c in checks for target in c):  # a partial run (--only) has fewer
        measured = [c[target] for c in checks if target in c]
        lines.append(f"{target}: met in {sum(measured)} of {len(measured)} runs")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    print(table([Path(arg) for arg in argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
