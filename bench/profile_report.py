#!/usr/bin/env python
"""Where a gunicorn worker's time went under load, from `make bench --profile NAME`.

py-spy samples one worker (``--idle``, so waiting on PostgreSQL, Redis or the client
counts too) into ``var/bench/<run>/profile-<NAME>.txt`` (collapsed stacks). This sorts
each sample into one bucket, first match wins, and prints the shares:

    .venv/bin/python bench/profile_report.py var/bench/<run>/profile-flood_many.txt
"""

import sys
from collections import Counter
from pathlib import Path

# (bucket, any of these substrings in the stack); the first bucket that matches wins,
# so "waiting" buckets come before the code that waits.
BUCKETS = [
    ("idle: waiting for a connection", ("wait (gunicorn/workers/sync.py",)),
    ("gunicorn: waiting for the client to close", ("close_graceful (gunicorn/util.py",)),
    ("Celery: publishing tasks on commit", ("celery/", "kombu/")),
    ("PostgreSQL: statements (round trip + server)", ("psycopg2", "(django/db/backends/utils.py")),
    ("Redis: cache round trips", ("redis/",)),
    ("ORM: building queries and rows", ("django/db/models/",)),
    ("DRF: input validation, parsing", ("rest_framework/serializers.py", "rest_framework/fields.py")),
    ("crypto: Fernet, HMAC of the NIK", ("cryptography/", "hmac.py", "applicants/identity.py")),
    ("gunicorn: HTTP parsing, writing, access log", ("gunicorn/http/", "gunicorn/glogging.py", "gunicorn/util.py")),
    ("logging", ("logging/",)),
    ("DRF: views, negotiation, rendering", ("rest_framework/",)),
    ("Django: middleware, URL routing, responses", ("django/",)),
]
OTHER = "the project's own code and the rest"


def buckets(lines) -> tuple[Counter, int]:
    counts: Counter = Counter()
    total = 0
    for line in lines:
        stack, _, number = line.rstrip().rpartition(" ")
        if not number.isdigit():
            continue
        samples = int(number)
        total += samples
        for name, markers in BUCKETS:
            if any(marker in stack for marker in markers):
                counts[name] += samples
                break
        else:
            counts[OTHER] += samples
    return counts, total


def report(path: Path) -> str:
    counts, total = buckets(path.read_text(errors="replace").splitlines())
    if not total:
        return f"{path}: no samples"
    rows = [f"{count / total:6.1%}  {name}" for name, count in counts.most_common()]
    return f"{path.name}: {total} samples of one worker\n" + "\n".join(rows)


if __name__ == "__main__":
    print("\n\n".join(report(Path(arg)) for arg in sys.argv[1:]))
