"""The /health/ probe (mediature/health.py) against the real database and Redis, nothing mocked."""

import os

import pytest
import redis

LOCAL_REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


def local_redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(LOCAL_REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def test_healthy_when_the_database_answers(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True}}
    assert "no-cache" in response["Cache-Control"]


def test_unhealthy_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = UNREACHABLE_REDIS_URL
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": True, "redis": False}}


@pytest.mark.skipif(not local_redis_answers(), reason="no local Redis to check against")
def test_healthy_with_a_reachable_redis(client, db, settings):
    settings.REDIS_URL = LOCAL_REDIS_URL
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "redis": True}}


def test_only_answers_get(client, db):
    assert client.post("/health/").status_code == 405
