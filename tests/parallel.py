"""Separate services for each pytest-xdist worker (``pytest -n 2``, as CI runs).

Loaded with ``-p tests.parallel`` (pyproject.toml), so it runs before pytest-env and
before pytest-django reads the settings. pytest-django gives each worker its own test
database (``test_<name>_gw0``, ``test_<name>_gw1``); this gives each its own Redis
database and its own ``VAR_DIR``, because every test starts by emptying the cache
(``tests/conftest.py``): with one Redis database, one worker's test would empty the
cache, rate limits and broker queues under the other's. Without xdist it changes nothing.
"""

import os
from urllib.parse import urlsplit, urlunsplit

# Redis has 16 databases (0-15) unless configured otherwise.
REDIS_DATABASES = 16

# What this module changed, as it was before (for tests/foundation/test_parallel_workers.py).
replaced: dict[str, str] = {}


def redis_url_for_worker(url: str, worker_index: int) -> str:
    """The same Redis server, the database ``worker_index`` places after the URL's own."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = base + worker_index
    if database >= REDIS_DATABASES:
        raise ValueError(f"REDIS_URL {url!r} leaves no Redis database for xdist worker {worker_index}")
    return urlunsplit(parts._replace(path=f"/{database}"))


def _worker_index() -> int | None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... set by xdist in each worker
    return int(worker.removeprefix("gw")) if worker else None


def _separate() -> None:
    index = _worker_index()
    if index is None:
        return
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        url = os.environ.get(name, "")
        if url.startswith(("redis://", "rediss://")):
            replaced[name] = url
            os.environ[name] = redis_url_for_worker(url, index)
    # pytest-env's VAR_DIR is "skip_if_set": this one wins.
    replaced["VAR_DIR"] = os.environ.get("VAR_DIR", "var/test")
    os.environ["VAR_DIR"] = os.path.join(replaced["VAR_DIR"], f"gw{index}")


_separate()
