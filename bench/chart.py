#!/usr/bin/env python
"""A bench result as a chart: each scenario's rate against the bare view and its p99, each
beside its target. ``bench/run.py`` writes one next to every result's JSON; for an older
result: ``python bench/chart.py bench/results/<time>.json`` (writes ``<time>.svg``).

Plain SVG, no plotting library: it opens in any browser and renders on GitHub.
"""

import json
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.summary import (  # noqa: E402
    APP_SCENARIOS,
    P99_LIMIT_MS,
    RATE_TARGETS,
    TITLES,
    baseline,
    is_between,
)

WIDTH = 860
LABEL_W = 250
BAR_W = 340
ROW_H = 30
MET, MISSED, TARGET, INK, GRID = "#1a7f37", "#b35900", "#1f2328", "#1f2328", "#d0d7de"


def _bar_rows(rows: list[dict[str, Any]], *, top: int, scale: float, unit: str) -> list[str]:
    """One row per item: label, bar, value, and the target as a dark tick."""
    parts = []
    for index, row in enumerate(rows):
        y = top + index * ROW_H
        length = max(1.0, min(row["value"], scale) / scale * BAR_W)
        target_x = LABEL_W + min(row["target"], scale) / scale * BAR_W
        colour = MET if row["ok"] else MISSED
        verdict = "met" if row["ok"] else "missed"
        parts += [
            f'<text x="{LABEL_W - 10}" y="{y + 19}" text-anchor="end">{escape(row["label"])}</text>',
            f'<rect x="{LABEL_W}" y="{y + 6}" width="{length:.1f}" height="18" fill="{colour}">'
            f"<title>{escape(row['label'])}: {row['text']} ({verdict})</title></rect>",
            f'<line x1="{target_x:.1f}" x2="{target_x:.1f}" y1="{y + 2}" y2="{y + 28}" '
            f'stroke="{TARGET}" stroke-width="2"/>',
            f'<text x="{LABEL_W + BAR_W + 10}" y="{y + 19}">{escape(row["text"])} {unit}'
            f'<tspan fill="{colour}"> {verdict}</tspan></text>',
        ]
    return parts


def _yardstick_note(scenarios: dict[str, Any]) -> str:
    if any(is_between(name) for name in scenarios):
        return ", each scenario against the bare runs around it"
    return " (mean of two runs)" if baseline(scenarios)[1] is not None else ""


def render_svg(result: dict[str, Any]) -> str:
    """The chart of one bench result (the dict ``bench/run.py`` writes as JSON)."""
    scenarios = result["scenarios"]
    bare = baseline(scenarios)[0]
    rates = []
    for label, scenario, field, minimum in RATE_TARGETS:
        yardstick = scenarios.get(scenario, {}).get("yardstick_rps") or bare
        if scenario in scenarios and yardstick:
            share = scenarios[scenario][field] / yardstick
            rates.append(
                {"label": label, "value": share * 100, "target": minimum * 100, "ok": share >= minimum,
                 "text": f"{share:.1%} (target {minimum:.0%})"}
            )  # fmt: skip
    latencies = []
    for scenario in APP_SCENARIOS:
        if scenario in scenarios:
            p99 = scenarios[scenario]["latency_ms"]["p99"]
            latencies.append(
                {"label": TITLES[scenario], "value": p99, "target": P99_LIMIT_MS, "ok": p99 < P99_LIMIT_MS,
                 "text": f"{p99:.0f}"}
            )  # fmt: skip
    worst = max([P99_LIMIT_MS * 1.5, *(row["value"] for row in latencies)])
    meta = result.get("meta", {})
    subtitle = (
        f"bare view {bare:,.0f} req/s{_yardstick_note(scenarios)}; "
        f"{meta.get('machine', {}).get('cpus', '?')} cores, "
        f"{meta.get('config', {}).get('gunicorn_workers', '?')} workers, commit "
        f"{meta.get('machine', {}).get('commit', '?')}, {meta.get('started_at', '')[:16]}"
    )
    rates_top = 70
    latency_top = rates_top + len(rates) * ROW_H + 60
    height = latency_top + len(latencies) * ROW_H + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13" fill="{INK}" role="img">',
        "<title>make bench: rates against the bare view, and p99 latency, each with its target</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        '<text x="16" y="26" font-size="16" font-weight="bold">Launch-day flood: share of the bare view\'s rate</text>',
        f'<text x="16" y="46" fill="#57606a">{escape(subtitle)}. Dark tick: target.</text>',
        *_bar_rows(rates, top=rates_top, scale=100.0, unit=""),
        f'<text x="16" y="{latency_top - 14}" font-size="16" font-weight="bold">p99 latency, ms '
        f"(64 connections)</text>",
        *_bar_rows(latencies, top=latency_top, scale=worst, unit="ms"),
        f'<line x1="{LABEL_W}" x2="{LABEL_W}" y1="{rates_top}" y2="{height - 30}" stroke="{GRID}"/>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[0])
    target = source.with_suffix(".svg")
    target.write_text(render_svg(json.loads(source.read_text())))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
