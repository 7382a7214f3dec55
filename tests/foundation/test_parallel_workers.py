"""Each pytest-xdist worker gets its own Redis database and VAR_DIR (tests/parallel.py)."""

import os

import pytest
from django.conf import settings

from tests import parallel
from tests.parallel import redis_url_for_worker


@pytest.mark.parametrize(
    ("url", "index", "expected"),
    [
        ("redis://127.0.0.1:6379/0", 0, "redis://127.0.0.1:6379/0"),
        ("redis://127.0.0.1:6379/0", 1, "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379", 1, "redis://127.0.0.1:6379/1"),
        ("redis://:secret@cache:6379/9", 2, "redis://:secret@cache:6379/11"),
        ("rediss://cache:6380/3?ssl_cert_reqs=none", 1, "rediss://cache:6380/4?ssl_cert_reqs=none"),
    ],
)
def test_a_worker_s_redis_url_keeps_the_server_and_moves_the_database(url, index, expected):
    assert redis_url_for_worker(url, index) == expected


def test_a_worker_past_redis_s_last_database_is_refused_not_wrapped_onto_another_s():
    with pytest.raises(ValueError, match="no Redis database for xdist worker 2"):
        redis_url_for_worker("redis://127.0.0.1:6379/14", 2)


def test_this_worker_uses_its_own_redis_database_and_var_dir():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        assert parallel.replaced == {}
        return
    index = int(worker.removeprefix("gw"))
    assert settings.VAR_DIR.name == worker
    assert settings.VAR_DIR.parent.name == os.path.basename(parallel.replaced["VAR_DIR"])
    if settings.REDIS_URL:
        assert redis_url_for_worker(parallel.replaced["REDIS_URL"], index) == settings.REDIS_URL
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
