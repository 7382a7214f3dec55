"""The pure parts of `make bench`: the applicants it sends and the arithmetic it reports.

No server and no timing here; bench/run.py does the measuring.
"""

import datetime as dt
import os
import sys
import time

import pytest

from applicants import demo_people as nik
from applicants.identity import email_normalize, nik_check_birth_date, nik_parse, phone_normalize
from bench import run, summary
from bench.run import to_lua


def _indices():
    # The start of the range, every field's rollover, and the far end of the space.
    edges = [nik.SERIALS - 1, nik.SERIALS, nik.SERIALS * nik.BIRTH_DAYS - 1, nik.SERIALS * nik.BIRTH_DAYS]
    return [*range(3000), *edges, nik.capacity() - 1]


def test_generated_niks_follow_the_nik_rules():
    for index in _indices():
        person = nik.person(index)
        assert len(person.nik) == 16 and person.nik.isdigit()
        assert person.nik[:6] in nik.REGIONS
        assert person.nik[12:] != "0000"
        day = int(person.nik[6:8])
        assert (day > 40) == person.female
        assert nik.nik_is_valid(person.nik, person.birth_date)


def test_generated_applicants_pass_the_products_own_validation():
    for index in _indices()[::7]:
        person = nik.person(index)
        info = nik_parse(person.nik)
        nik_check_birth_date(info, person.birth_date)
        assert info.sex == ("F" if person.female else "M")
        assert phone_normalize(person.phone).startswith("+62812")
        assert email_normalize(person.email) == person.email


def test_generated_applicants_are_distinct_people():
    indices = _indices()
    niks = [nik.person(index).nik for index in indices]
    assert len(set(niks)) == len(indices)


def test_a_nik_whose_date_disagrees_with_the_birth_date_is_not_valid():
    person = nik.person(5)
    assert not nik.nik_is_valid(person.nik, person.birth_date + dt.timedelta(days=1))
    assert not nik.nik_is_valid(person.nik[:12] + "0000", person.birth_date)


def test_it_refuses_an_index_outside_the_nik_space():
    with pytest.raises(ValueError):
        nik.person(nik.capacity())
    with pytest.raises(ValueError):
        nik.person(-1)


def _thread(statuses, *, sent, start, last, last_ok=0.0):
    return {
        "statuses": statuses,
        "sent": sent,
        "received": sum(statuses.values()),
        "t_first": start,
        "t_last": last,
        "t_last_ok": last_ok,
        "finished": True,
    }


def _run(threads, *, p99_us=40_000, errors=None):
    return {
        "threads": threads,
        "requests": sum(t["received"] for t in threads),
        "duration_us": 10_000_000,
        "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0, **(errors or {})},
        "latency_us": {"p50": 10_000, "p95": 30_000, "p99": p99_us, "max": 90_000, "mean": 12_000},
        "load_cpu_s": 1.5,
    }


def test_a_scenario_rate_runs_from_the_first_request_to_the_last_answer():
    run = _run(
        [
            _thread({"200": 5000}, sent=5000, start=100.0, last=110.0),
            _thread({"200": 5000}, sent=5000, start=100.5, last=109.5),
        ]
    )
    record = summary.scenario_from_wrk("bare", [run])
    assert record["requests"] == 10_000
    assert record["active_s"] == 10.0
    assert record["rps"] == 1000.0
    assert record["errors"] == 0
    assert record["latency_ms"]["p99"] == 40.0
    assert record["load_cpu_share"] == 0.15


def test_bookings_per_second_counts_the_selling_time_over_all_rounds():
    round_one = _run(
        [_thread({"201": 400, "409:session_full": 3600}, sent=4000, start=100.0, last=104.0, last_ok=100.5)],
        p99_us=60_000,
    )
    round_two = _run(
        [_thread({"201": 400, "409:session_full": 3598}, sent=4000, start=110.0, last=113.0, last_ok=110.3)],
        p99_us=80_000,
    )
    record = summary.scenario_from_wrk("flood_one", [round_one, round_two])
    assert record["rounds"] == 2
    assert record["bookings"] == 800
    assert record["selling_s"] == 0.8
    assert record["bookings_per_s"] == 1000.0
    assert record["rps"] == round(7998 / 7.0, 1)
    assert record["in_flight_at_stop"] == 2
    assert record["errors"] == 0
    assert record["latency_ms"]["p99"] == 80.0  # the worst round


def test_unexpected_answers_and_socket_errors_are_errors():
    run = _run(
        [
            _thread(
                {"409:session_full": 90, "201": 3, "500:": 2, "409:active_booking_exists": 1},
                sent=96,
                start=100.0,
                last=101.0,
            )
        ],
        errors={"read": 4},
    )
    record = summary.scenario_from_wrk("sold_out", [run])
    assert record["errors_by_status"] == {"201": 3, "409:active_booking_exists": 1, "500:": 2}
    assert record["errors"] == 3 + 1 + 2 + 4


def _record(rps, *, bookings_per_s=0.0, p99=20.0, errors=0, in_flight=0):
    return {
        "rps": rps,
        "bookings": 1 if bookings_per_s else 0,
        "bookings_per_s": bookings_per_s,
        "latency_ms": {"p50": 5.0, "p95": 10.0, "p99": p99, "max": 50.0, "mean": 6.0},
        "errors": errors,
        "in_flight_at_stop": in_flight,
        "statuses": {},
        "load_cpu_s": 0.0,
    }


def _result(**changes):
    result = {
        "scenarios": {
            "bare": _record(2000.0),
            "availability": _record(1300.0),
            "flood_many": _record(400.0, bookings_per_s=360.0, in_flight=40),
            "flood_one": _record(900.0, bookings_per_s=300.0, in_flight=20),
            "sold_out": _record(1250.0, in_flight=30),
        },
        "pgbench": {
            "many": {"tps": 12000.0, "latency_ms": 5.0, "slots": 200},
            "one": {"tps": 3000.0, "latency_ms": 20.0, "slots": 4},
        },
        "invariants": {"overbooked": 0, "lost": 0, "duplicated": 0, "unacknowledged": 12, "bookings": 9, "ok_201": 9},
    }
    for dotted, value in changes.items():
        target = result
        *path, last = dotted.split("__")
        for key in path:
            target = target[key]
        target[last] = value
    return result


def test_every_target_is_a_ratio_to_the_bare_view_of_the_same_run():
    result = _result()
    outcome = summary.summarize(result)
    assert outcome["bare_rps"] == 2000.0
    assert result["scenarios"]["availability"]["rps_ratio"] == 0.65
    assert result["scenarios"]["flood_many"]["bookings_ratio"] == 0.18
    assert outcome["app_to_pgbench"] == {"flood_many": 0.03, "flood_one": 0.1}
    assert outcome["all_ok"], [c for c in outcome["checks"] if not c["ok"]]


@pytest.mark.parametrize(
    ("change", "target"),
    [
        ({"scenarios__availability__rps": 1100.0}, "availability reads >= 60% of bare"),
        ({"scenarios__sold_out__rps": 1000.0}, "session_full answers >= 60% of bare"),
        ({"scenarios__flood_many__bookings_per_s": 320.0}, "bookings/s, 50 offices >= 17% of bare"),
        ({"scenarios__flood_one__bookings_per_s": 270.0}, "bookings/s, one office-day >= 14% of bare"),
        ({"scenarios__flood_one__latency_ms": {"p99": 100.0}}, "p99 < 100 ms, flood_one"),
        ({"scenarios__sold_out__errors": 1}, "0 errors"),
        ({"invariants__overbooked": 1}, "0 overbooked"),
        ({"invariants__lost": 2}, "0 lost"),
        ({"invariants__duplicated": 1}, "0 duplicated"),
        ({"invariants__unacknowledged": 91}, "bookings no client heard of <= requests in flight at stop"),
    ],
)
def test_a_missed_target_is_reported_as_missed(change, target):
    outcome = summary.summarize(_result(**change))
    missed = [check["target"] for check in outcome["checks"] if not check["ok"]]
    assert missed == [target]
    assert not outcome["all_ok"]


def test_with_a_second_bare_run_the_yardstick_is_the_mean_and_the_drift_is_reported():
    result = _result(scenarios__bare_end=_record(1780.0))
    outcome = summary.summarize(result)
    result["summary"] = outcome

    assert outcome["bare_rps"] == 1890.0
    assert outcome["bare_drift"] == round(-220 / 1890, 3)
    assert result["scenarios"]["flood_many"]["bookings_ratio"] == round(360 / 1890, 3)
    text = summary.render(result)
    assert "the mean of the bare view before (2,000) and after (1,780)" in text
    assert "drifted -12% during the run (more than 10%" in text


def test_each_scenario_is_divided_by_the_bare_runs_just_before_and_after_it():
    # A slow spell in the middle of the run: the bare runs at both ends do not see it.
    result = _result(
        scenarios__bare_end=_record(2000.0),
        scenarios__bare_2=_record(1500.0),
        scenarios__bare_3=_record(1300.0),
    )
    result["order"] = ["bare", "availability", "bare_2", "flood_many", "bare_3", "flood_one", "sold_out", "bare_end"]
    outcome = summary.summarize(result)
    result["summary"] = outcome
    scenarios = result["scenarios"]

    assert scenarios["availability"]["yardstick_rps"] == 1750.0  # bare and bare_2
    assert scenarios["flood_many"]["yardstick_rps"] == 1400.0  # bare_2 and bare_3
    assert scenarios["flood_one"]["yardstick_rps"] == scenarios["sold_out"]["yardstick_rps"] == 1650.0
    assert scenarios["flood_many"]["bookings_ratio"] == round(360 / 1400, 3)
    # The run's yardstick for the record is still the mean of its two ends.
    assert outcome["bare_rps"] == 2000.0
    checks = {check["target"]: check for check in outcome["checks"]}
    assert checks["bookings/s, 50 offices >= 17% of bare"]["measured"] == "360/s = 25.7%"
    text = summary.render(result)
    assert "bare view, between scenarios" in text
    assert "between scenarios: 1,500, 1,300 req/s" in text


def test_a_scenario_after_the_last_bare_run_uses_the_one_before_it():
    result = _result()
    result["order"] = ["availability", "bare", "flood_many"]
    summary.summarize(result)

    assert result["scenarios"]["availability"]["yardstick_rps"] == 2000.0
    assert result["scenarios"]["flood_many"]["yardstick_rps"] == 2000.0


def test_a_small_drift_is_reported_without_a_warning():
    result = _result(scenarios__bare_end=_record(1940.0))
    result["summary"] = summary.summarize(result)

    text = summary.render(result)

    assert "drifted -3% during the run" in text and "compare several runs" not in text


def test_the_report_names_every_scenario_and_target():
    result = _result(
        scenarios__bare_end=_record(2000.0),
        scenarios__stack=_record(1600.0),
        scenarios__availability_cold=_record(900.0, p99=180.0),
    )
    for record in result["scenarios"].values():
        record["statuses"] = {"200": 10}
    result["summary"] = summary.summarize(result)
    text = summary.render(result)
    for title in summary.TITLES.values():
        assert title in text
    assert "PASS" in text and "MISS" not in text
    assert "app/pgbench = 3.0%" in text


def test_the_cold_start_of_the_availability_reads_is_reported_without_a_target():
    result = _result(scenarios__availability_cold=_record(600.0, p99=180.0))
    result["summary"] = summary.summarize(result)
    assert result["summary"]["all_ok"]
    assert not any("availability_cold" in check["target"] for check in result["summary"]["checks"])
    assert "the same, first 3 s from a cold cache" in summary.render(result)


def test_the_view_through_our_middleware_is_reported_beside_the_yardstick_without_a_target():
    result = _result(scenarios__stack=_record(1600.0))
    outcome = summary.summarize(result)
    result["summary"] = outcome

    # The targets stay ratios to the bare view without middleware.
    assert outcome["bare_rps"] == 2000.0
    assert result["scenarios"]["availability"]["stack_ratio"] == round(1300 / 1600, 3)
    assert not any("stack" in check["target"] for check in outcome["checks"])
    text = summary.render(result)
    assert "vs stack" in text and "against 1,600 req/s, the bare view through the product's middleware" in text


def test_without_the_stack_run_the_report_has_no_stack_column():
    result = _result()
    result["summary"] = summary.summarize(result)

    assert "vs stack" not in summary.render(result)


def test_scenario_data_is_written_as_a_lua_table():
    data = {"kind": "book", "duration": 15.0, "targets": [["surabaya", "2026-11-25", 7, "regular"]], "ok": True}
    assert to_lua(data) == (
        '{["kind"] = "book", ["duration"] = 15.0, ["targets"] = {{"surabaya", "2026-11-25", 7, "regular"}}, '
        '["ok"] = true}'
    )


def test_the_chart_shows_every_target_and_which_were_missed():
    import json
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from bench import chart

    result = json.loads((Path(__file__).resolve().parents[2] / "bench/results/example.json").read_text())
    flood = result["scenarios"]["flood_many"]
    # Its own yardstick: the bare runs around it (older results: the mean of both bare runs).
    yardstick = flood.get("yardstick_rps") or summary.baseline(result["scenarios"])[0]
    flood["bookings_per_s"] = yardstick * 0.10  # below its 17 %
    result["scenarios"]["availability"]["latency_ms"]["p99"] = 40.0  # under 100 ms

    svg = chart.render_svg(result)

    root = ET.fromstring(svg)  # noqa: S314 - our own output; parsing it proves it well-formed
    ns = {"svg": "http://www.w3.org/2000/svg"}
    bars = {bar.find("svg:title", ns).text for bar in root.iterfind("svg:rect[@height='18']", ns)}
    assert len(bars) == len(summary.RATE_TARGETS) + len(summary.APP_SCENARIOS)
    assert "bookings/s, 50 offices: 10.0% (target 17%) (missed)" in bars
    assert "availability reads, 100 offices: 40 (met)" in bars


def test_cpu_per_request_is_split_into_the_app_and_the_rest_of_the_worker():
    result = _result(
        in_app={"flood_many": {"requests": 4000, "cpu_ms": 2.5, "wall_ms": 6.0}},
        cpu={
            "flood_many": {
                "app_s": 12.0,
                "postgres_s": 3.2,
                "redis_s": 0.1,
                "wall_s": 10.0,
                "machine_busy": 0.9,
            }
        },
        meta={"machine": {"cpus": 2}},
    )
    result["summary"] = summary.summarize(result)
    assert result["summary"]["per_request"] == {
        "flood_many": {
            "requests": 4000,
            "in_app_cpu_ms": 2.5,
            "in_app_wall_ms": 6.0,
            "worker_cpu_ms": 3.0,  # 12 s over 4,000 requests
            "outside_app_cpu_ms": 0.5,  # gunicorn and the kernel
            "postgres_cpu_ms": 0.8,
            "machine_cpu_ms": 4.5,  # 90 % of 2 cores for 10 s
        }
    }
    report = summary.render(result)
    assert "ms per request, under load" in report
    assert "booking flood, 50 offices" in report.split("ms per request, under load")[1]


def test_without_request_times_there_is_no_per_request_table():
    result = _result()
    result["summary"] = summary.summarize(result)
    assert result["summary"]["per_request"] == {}
    assert "ms per request" not in summary.render(result)


def test_request_times_of_every_worker_are_added_up(tmp_path):
    (tmp_path / "request-times-11.json").write_text('{"flood_many": [1000, 2.0, 5.0], "bare": [10, 0.001, 0.002]}')
    (tmp_path / "request-times-12.json").write_text('{"flood_many": [3000, 9.0, 19.0]}')
    (tmp_path / "request-times-13.json.partial").write_text("{not finished")  # a write in progress
    (tmp_path / "gunicorn.log").write_text("unrelated")
    assert summary.read_request_times(tmp_path) == {
        "flood_many": {"requests": 4000, "cpu_ms": 2.75, "wall_ms": 6.0},
        "bare": {"requests": 10, "cpu_ms": 0.1, "wall_ms": 0.2},
    }


def test_each_p99_is_printed_beside_the_mean_its_rate_implies():
    """With 64 requests always open, 400 answers a second mean 160 ms each (Little's law):
    the report says so beside the p99, so a missed p99 reads as a rate."""
    result = _result(scenarios__flood_many__latency_ms={"p99": 290.0})
    result["meta"] = {"config": {"connections": 64}}

    outcome = summary.summarize(result)

    check = next(check for check in outcome["checks"] if check["target"] == "p99 < 100 ms, flood_many")
    assert check["measured"] == "290.0 ms (mean ≈ 64 ÷ 400/s = 160 ms)"
    assert not check["ok"]
    assert result["scenarios"]["flood_many"]["queueing_mean_ms"] == 160.0
    assert result["scenarios"]["sold_out"]["queueing_mean_ms"] == round(64 / 1250 * 1000, 1)


def test_without_the_connection_count_the_p99_stands_alone():
    outcome = summary.summarize(_result())

    check = next(check for check in outcome["checks"] if check["target"] == "p99 < 100 ms, flood_many")
    assert check["measured"] == "20.0 ms"


# --- bench/ranges.py: several runs side by side ------------------------------------------


def _run_result(bare_rps: float, flood_p99: float, flood_ok: bool, *, sold_out: bool = True) -> dict:
    scenarios = {
        "bare": {"rps": bare_rps, "latency_ms": {"p99": 30.0, "mean": 18.0}},
        "flood_many": {
            "bookings_per_s": bare_rps * 0.18,
            "bookings_ratio": 0.18,
            "latency_ms": {"p99": flood_p99, "mean": 110.0},
        },
    }
    checks = [{"target": "p99 < 100 ms, flood_many", "ok": flood_ok}]
    if sold_out:
        scenarios["sold_out"] = {"rps_ratio": 0.8, "latency_ms": {"p99": 40.0, "mean": 25.0}}
        checks.append({"target": "p99 < 100 ms, sold_out", "ok": True})
    per_request = {"flood_many": {"machine_cpu_ms": 3.1, "in_app_cpu_ms": 1.8, "postgres_cpu_ms": 0.6}}
    return {"scenarios": scenarios, "summary": {"checks": checks, "per_request": per_request}}


def test_ranges_gives_each_run_a_column_and_the_range_over_them(tmp_path):
    import json

    from bench import ranges

    paths = []
    for name, result in (("a", _run_result(3500, 185.0, False)), ("b", _run_result(3100, 95.0, True, sold_out=False))):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(result))

    lines = ranges.table(paths).splitlines()

    row = {line.split("|")[0].strip(): [cell.strip() for cell in line.split("|")[1:]] for line in lines if "|" in line}
    assert row["bare view, first run (req/s)"] == ["3,500", "3,100", "3,100 - 3,500"]
    assert row["flood, 50 offices: p99 (ms)"] == ["185", "95.0", "95.0 - 185"]
    assert row["flood, 50 offices (share of bare)"] == ["18.0%", "18.0%", "18.0% - 18.0%"]
    assert row["sold out (share of bare)"] == ["80.0%", "-", "80.0% - 80.0%"]
    assert row["availability: p99 (ms)"] == ["-", "-", "-"]
    # A target is counted over the runs that measured it (a run with --only has fewer).
    assert "p99 < 100 ms, flood_many: met in 1 of 2 runs" in lines
    assert "p99 < 100 ms, sold_out: met in 1 of 1 runs" in lines


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_run_starts_from_a_finished_checkpoint():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT checkpoints_req FROM pg_stat_bgwriter")
        before = cursor.fetchone()[0]
    took = run.checkpoint()
    # The checkpointer reports its count after it has woken the backend that asked, so
    # on a busy machine the new figure can show a moment after CHECKPOINT returned.
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT checkpoints_req FROM pg_stat_bgwriter")
            after = cursor.fetchone()[0]
            if after > before or time.monotonic() > deadline:
                break
            time.sleep(0.05)

    assert took is not None and took >= 0
    assert after >= before + 1


def test_a_role_that_may_not_checkpoint_is_warned_about_and_the_run_goes_on(monkeypatch, capsys):
    import django.db
    from django.db import DatabaseError

    class Refusing:
        def cursor(self):
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql):
            raise DatabaseError("must be superuser or have privileges of pg_checkpoint to do CHECKPOINT")

    monkeypatch.setattr(django.db, "connection", Refusing())

    assert run.checkpoint() is None
    assert "no CHECKPOINT before the run" in capsys.readouterr().out


def _lets_in(url):
    return None


def test_postgresql_is_reached_over_its_unix_socket_when_the_server_has_one(tmp_path):
    assert run.default_database_url(tmp_path, connects=_lets_in) == run.TCP_DATABASE_URL
    (tmp_path / ".s.PGSQL.5432").touch()

    url = run.default_database_url(tmp_path, connects=_lets_in)

    assert url == f"postgres://postgres@/antrean_bench?host={tmp_path}"
    assert run.pg_params(url) == {
        "host": str(tmp_path),
        "port": 5432,
        "user": "postgres",
        "password": None,
        "dbname": "antrean_bench",
    }
    assert run.pg_transport(url) == f"Unix socket {tmp_path}"


def test_django_reads_the_socket_url_as_the_bench_does(tmp_path):
    import environ

    (tmp_path / ".s.PGSQL.5432").touch()
    config = environ.Env.db_url_config(run.default_database_url(tmp_path, connects=_lets_in))

    assert (config["NAME"], config["HOST"], config["OPTIONS"]) == ("antrean_bench", "", {"host": str(tmp_path)})


def test_a_tcp_url_keeps_its_host_port_and_password():
    params = run.pg_params("postgres://bench:secret@127.0.0.1:5433/antrean_bench")

    assert params == {
        "host": "127.0.0.1",
        "port": 5433,
        "user": "bench",
        "password": "secret",
        "dbname": "antrean_bench",
    }
    assert run.pg_transport("postgres://bench:secret@127.0.0.1:5433/antrean_bench") == "TCP 127.0.0.1:5433"
    assert run.pg_transport("postgres://postgres@/antrean_bench") == "Unix socket libpq default"


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:5432/antrean_bench",
        "postgres://postgres@/antrean_bench?host=/var/run/postgresql",
        "postgres://postgres@/antrean_bench",
    ],
)
def test_the_bench_accepts_postgresql_on_loopback_or_a_socket(database_url):
    assert run.parse_args(["--database-url", database_url]).database_url == database_url


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@db.example.org:5432/antrean_bench", "postgres://postgres@/antrean_bench?host=db.example.org"],
)
def test_the_bench_refuses_a_database_on_another_machine(database_url, capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--database-url", database_url])

    assert "only talks to services on this machine" in capsys.readouterr().err


def test_a_socket_that_refuses_the_bench_s_role_leaves_it_on_tcp(tmp_path, capsys):
    (tmp_path / ".s.PGSQL.5432").touch()
    tried = []

    def refuses(url):
        tried.append(url)
        return 'FATAL:  Peer authentication failed for user "postgres"'

    assert run.default_database_url(tmp_path, connects=refuses) == run.TCP_DATABASE_URL
    assert tried == [f"postgres://postgres@/antrean_bench?host={tmp_path}"]
    assert "Peer authentication failed" in capsys.readouterr().out


def test_a_socket_file_with_no_server_behind_it_is_refused(tmp_path):
    (tmp_path / ".s.PGSQL.5432").touch()  # a file, not a listening socket

    assert run._connect_error(f"postgres://postgres@/antrean_bench?host={tmp_path}") is not None


def test_a_run_records_which_build_of_python_runs_the_app():
    build = run.versions()["python_build"]
    executable, linkage, *flags = build.split(", ")
    assert executable == os.path.realpath(sys.executable)
    with open("/proc/self/maps") as maps:
        assert linkage == ("libpython shared" if "libpython" in maps.read() else "libpython in the executable")
    assert set(flags) <= {"--enable-optimizations", "--with-lto"}


def test_the_build_is_read_from_the_configuration_where_proc_is_missing(monkeypatch):
    def no_proc(self):
        raise OSError("no /proc here")

    monkeypatch.setattr(run.Path, "read_text", no_proc)
    monkeypatch.setattr(run.sysconfig, "get_config_var", {"Py_ENABLE_SHARED": 0, "CONFIG_ARGS": "'--with-lto'"}.get)
    assert run.interpreter() == f"{os.path.realpath(sys.executable)}, libpython in the executable, --with-lto"


def test_elders_are_distinct_valid_people_born_by_the_date():
    born_by = dt.date(1966, 12, 7)
    elders = [nik.elder(index * 1_000_003, born_by=born_by) for index in range(2000)]

    assert all(person.birth_date <= born_by for person in elders)
    assert all(nik.nik_is_valid(person.nik, person.birth_date) for person in elders)
    assert len({person.nik for person in elders}) == len(elders)
    with pytest.raises(ValueError):
        nik.elder(0, born_by=nik.FIRST_BIRTH_DATE - dt.timedelta(days=1))
