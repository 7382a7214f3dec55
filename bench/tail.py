#!/usr/bin/env python
"""Where the 50-office flood's slowest answers fall, from the server's own log.

    .venv/bin/python bench/tail.py var/bench/<run>/gunicorn.log

wrk keeps 64 requests open; gunicorn's workers take them from one queue in order, so a
request waits for about the 64 answers before it, shared by the workers. From the
durations gunicorn logged for the flood's bookings (in the order they finished), this
rebuilds each answer's latency as the sum of the 64 durations before it divided by the
workers, scaled so that the mean matches the one wrk measured (``--mean``, default: the
run's own JSON). The rebuilt p50/p95/p99 track wrk's own (docs/performance.md, round 12),
and it says where the slowest 1 % fall: in the flood's first answers (a cold start), or
spread over the run, and how the server's time per booking moved from tenth to tenth of it.
"""

import argparse
import json
import re
import sys
from pathlib import Path

WINDOW = 64  # wrk's connections
LINE = re.compile(r'"POST /api/v1/bookings/" 201 \S+ (\d+)ms$')


def flood_durations(log: Path) -> list[float]:
    """The booking durations (ms) of the longest run of created bookings between two
    worker starts: the 50-office flood (the warm-up books far fewer)."""
    runs: list[list[float]] = [[]]
    for line in log.read_text().splitlines():
        if "Booting worker" in line:
            runs.append([])
            continue
        found = LINE.search(line)
        if found:
            # gunicorn logs whole milliseconds, cut short: the middle of each step.
            runs[-1].append(int(found.group(1)) + 0.5)
    return max(runs, key=len)


def rebuilt(durations: list[float], workers: int, mean_ms: float) -> list[float]:
    window = sum(durations[:WINDOW])
    waits = [window / workers]
    for n in range(WINDOW, len(durations)):
        window += durations[n] - durations[n - WINDOW]
        waits.append(window / workers)
    scale = mean_ms / (sum(waits) / len(waits))
    return [wait * scale for wait in waits]


def by_tenth(durations: list[float]) -> list[float]:
    """The mean server time per booking in each tenth of the flood, in order: a rate that
    sags part way through (the machine, not the start) shows as the later tenths rising."""
    size = len(durations) / 10
    tenths = [durations[round(n * size) : round((n + 1) * size)] for n in range(10)]
    return [sum(part) / len(part) for part in tenths if part]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log", type=Path, help="var/bench/<run>/gunicorn.log")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--mean", type=float, default=0.0, help="wrk's mean latency (ms); default: from the run's JSON")
    parser.add_argument("--first", type=int, default=200, help="how many first answers count as the start")
    args = parser.parse_args(argv)

    mean = args.mean
    if not mean:
        result = Path(__file__).resolve().parent / "results" / f"{args.log.parent.name}.json"
        if not result.exists():
            parser.error(f"no {result}: give --mean")
        mean = json.loads(result.read_text())["scenarios"]["flood_many"]["latency_ms"]["mean"]
    durations = flood_durations(args.log)
    if len(durations) <= WINDOW + args.first:
        parser.error(f"only {len(durations)} created bookings in the log")
    waits = rebuilt(durations, args.workers, mean)
    p99 = percentile(waits, 0.99)
    slowest = [n for n, wait in enumerate(waits) if wait > p99]
    in_start = sum(1 for n in slowest if n < args.first)
    print(f"{len(durations):,} bookings; server time per booking {sum(durations) / len(durations):.2f} ms (mean)")
    print(
        f"rebuilt latency: p50 {percentile(waits, 0.5):.1f}, p95 {percentile(waits, 0.95):.1f},"
        f" p99 {p99:.1f} ms (mean {mean:.1f}, from wrk)"
    )
    print(f"slowest 1 %: {in_start} of {len(slowest)} among the first {args.first} answers")
    print(f"p99 without the first {args.first}: {percentile(waits[args.first :], 0.99):.1f} ms")
    first = durations[: args.first]
    print(f"server time of the first {args.first}: {sum(first) / len(first):.2f} ms (mean), max {max(first):.0f} ms")
    print("server time per booking by tenth of the flood (ms):", " ".join(f"{ms:.2f}" for ms in by_tenth(durations)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
