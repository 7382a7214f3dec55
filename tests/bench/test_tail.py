"""bench/tail.py: rebuilding the flood's latencies from gunicorn's log."""

from bench import tail

BOOKED = '127.0.0.1 "POST /api/v1/bookings/" 201 1100 {ms}ms'


def _log(tmp_path, durations, *, warm_up=()):
    lines = ["[INFO] Booting worker with pid: 1"]
    lines += [BOOKED.format(ms=ms) for ms in warm_up]
    lines += ["[INFO] Booting worker with pid: 2", '127.0.0.1 "GET /bench/bare/" 200 16 0ms']
    lines += [BOOKED.format(ms=ms) for ms in durations]
    path = tmp_path / "gunicorn.log"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_flood_is_the_longest_run_of_bookings_between_worker_starts(tmp_path):
    log = _log(tmp_path, [2] * 500, warm_up=[9] * 20)
    assert tail.flood_durations(log) == [2.5] * 500


def test_even_durations_give_even_latencies_at_the_measured_mean():
    waits = tail.rebuilt([2.5] * 1000, workers=3, mean_ms=70.0)
    assert max(waits) - min(waits) < 1e-9
    assert abs(waits[0] - 70.0) < 1e-9


def test_a_slow_start_is_where_the_slowest_answers_fall(tmp_path, capsys):
    log = _log(tmp_path, [30] * 3 + [8] * 100 + [2] * 5000)

    assert tail.main([str(log), "--mean", "70"]) == 0

    out = capsys.readouterr().out
    slowest = next(line for line in out.splitlines() if line.startswith("slowest 1 %"))
    found, total = slowest.split(": ")[1].split(" among")[0].split(" of ")
    assert found == total and int(total) > 0
    assert "5,103 bookings" in out


def test_a_rate_that_sags_late_in_the_flood_shows_in_its_last_tenths(tmp_path, capsys):
    log = _log(tmp_path, [2] * 800 + [4] * 200)

    assert tail.main([str(log), "--mean", "70"]) == 0

    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("server time per booking by"))
    assert line.split(": ")[1].split() == ["2.50"] * 8 + ["4.50"] * 2


def test_tenths_are_the_flood_in_order_in_ten_even_parts():
    assert tail.by_tenth([float(n // 100) for n in range(1000)]) == [float(n) for n in range(10)]
    # Uneven counts, and fewer bookings than tenths.
    assert tail.by_tenth([1.0] * 1003) == [1.0] * 10
    assert tail.by_tenth([1.0] * 5) == [1.0] * 5
