"""A sipdesk deployment in processes on loopback, for the chaos test: `sipdesk run` replicas
behind haproxy, workers and schedulers on one PostgreSQL database and one Redis prefix."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sipdesk_env import clean_env

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Proc:
    """One sipdesk process, restartable; its output goes to a log file of its own."""

    name: str
    argv: list[str]
    env: dict[str, str]
    logs: Path
    ready_line: str = "sipdesk:"
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def ready(self) -> bool:
        """Started and up (it printed its ready line), not only spawned."""
        if self.process is None or self.process.poll() is not None:
            return False
        log = self.logs / f"{self.name}.{self.starts}.log"
        try:
            return self.ready_line in log.read_text(errors="replace")
        except OSError:
            return False

    def start(self) -> Proc:
        self.starts += 1
        log = open(self.logs / f"{self.name}.{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.logs
        )
        log.close()
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)  # each bounds its own stop at 30 s
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Cluster:
    env: dict[str, str]
    logs: Path
    replicas: list[Proc] = field(default_factory=list)
    workers: list[Proc] = field(default_factory=list)
    schedulers: list[Proc] = field(default_factory=list)
    proxy: subprocess.Popen[bytes] | None = None
    url: str = ""

    def start(self, *, replicas: int, workers: int, schedulers: int) -> Cluster:
        ports = [free_port() for _ in range(replicas)]
        front = free_port()
        public = f"http://127.0.0.1:{front}"
        for n, port in enumerate(ports):
            env = {**self.env, "PORT": str(port), "SIPDESK_PUBLIC_URL": public}
            self.replicas.append(Proc(f"run{n}", [SIPDESK, "run"], env, self.logs).start())
        for n in range(workers):
            self.workers.append(
                Proc(f"worker{n}", [SIPDESK, "worker"], self.env, self.logs).start()
            )
        for n in range(schedulers):
            self.schedulers.append(
                Proc(f"scheduler{n}", [SIPDESK, "scheduler"], self.env, self.logs).start()
            )
        self.proxy = _haproxy(front, ports, self.logs)
        self.url = public
        deadline = time.monotonic() + 120
        while not all(_healthy(f"http://127.0.0.1:{p}") for p in ports):
            if time.monotonic() > deadline:
                raise AssertionError(f"the replicas did not come up; see {self.logs}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        for proc in [*self.workers, *self.schedulers, *self.replicas]:
            if proc.process is not None and proc.process.poll() is None:
                proc.process.send_signal(signal.SIGTERM)
        for proc in [*self.workers, *self.schedulers, *self.replicas]:
            proc.stop()
        if self.proxy is not None:
            self.proxy.terminate()
            self.proxy.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _haproxy(front: int, ports: list[int], logs: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    servers = "\n".join(
        f"    server run{n} 127.0.0.1:{port} check inter 500ms" for n, port in enumerate(ports)
    )
    config = logs / "haproxy.cfg"
    config.write_text(
        f"""global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
frontend sipdesk
    bind 127.0.0.1:{front}
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /healthz
{servers}
"""
    )
    log = open(logs / "haproxy.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([binary, "-db", "-f", str(config)], stdout=log, stderr=log)
    log.close()
    return process


def base_env(**values: str) -> dict[str, str]:
    clean = clean_env()
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return {**clean, **values}
