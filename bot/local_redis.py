"""The embedded default: use the Redis at REDIS_URL, or start one on loopback if none answers."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# The servers this process started, stopped when it exits.
started: list[subprocess.Popen[bytes]] = []


class RedisUnavailable(Exception):
    pass


def connect(url: str, *, start_if_down: bool, workdir: Path) -> redis.Redis:
    """A client that answers PING; starts a private redis-server for a loopback URL if allowed."""
    # redis-py retries ten times by default (seconds in all): too long for a listener that must
    # ack within Slack's 3 seconds. Fail fast instead; callers decide what an outage means.
    # A silent Redis (accepts, never answers) costs at most two 0.5 s waits: about 1.1 s.
    # RQ workers raise socket_timeout on their own connection for their blocking pops.
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
        retry=Retry(ExponentialBackoff(cap=0.1, base=0.02), retries=1),
    )
    if _answers(client):
        return client
    parsed = urlparse(url)
    if not start_if_down or parsed.hostname not in LOOPBACK:
        raise RedisUnavailable(f"Redis at {url} does not answer; start it or fix REDIS_URL.")
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(
            f"Redis at {url} does not answer and redis-server is not installed "
            "(apt-get install redis-server)."
        )
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(parsed.port or 6379),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started.append(process)
    atexit.register(process.terminate)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _answers(client):
            return client
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RedisUnavailable(f"Started redis-server for {url}, but it does not answer.")


def stop_started(timeout: float = 10.0) -> None:
    """Stop every redis-server this process started (on exit, Ctrl-C or SIGTERM alike)."""
    while started:
        process = started.pop()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
