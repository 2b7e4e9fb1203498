"""Debian's real Prometheus scrapes the three processes (`sipdesk run`, `sipdesk worker`,
`sipdesk scheduler`) while a customer's caller ID goes through them, and answers queries about
it through its HTTP API; it also loads docs/prometheus-rules.yml, which promtool checks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sipdesk_env import clean_env

from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox
from store import account_import
from store.db import Database
from telephony.account_import import import_accounts
from telephony.builtin import BuiltinPlatform

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "prometheus-rules.yml"
DASHBOARD = ROOT / "docs" / "grafana-dashboard.json"
EXAMPLE = ROOT / "examples" / "accounts.yml"
SIPDESK = str(Path(sys.executable).parent / "sipdesk")
PROCESSES = {"web": "run", "worker": "worker", "scheduler": "scheduler"}
# The names the issue spells: operators' dashboards and alert rules depend on them.
METRIC_NAMES = (
    "sipdesk_requests_total",
    "sipdesk_request_decision_seconds",
    "sipdesk_request_applied_seconds",
    "sipdesk_bill_checks_total",
    "sipdesk_bill_check_seconds",
    "sipdesk_accounts_down",
    "sipdesk_alert_latency_seconds",
    "sipdesk_slack_api_calls_total",
    "sipdesk_jobs_queued",
    "sipdesk_jobs_failed_total",
    "sipdesk_ack_seconds",
)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {name} is not installed (Debian package prometheus)")
        pytest.skip(f"{name} is not installed (Debian package prometheus)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_alert_rules_pass_promtool():
    done = subprocess.run(
        [_tool("promtool"), "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 10 rules found" in done.stdout


def test_the_dashboard_has_a_panel_for_every_metric_the_issue_names():
    exprs = " ".join(
        t["expr"] for p in json.loads(DASHBOARD.read_text())["panels"] for t in p["targets"]
    )
    for name in METRIC_NAMES:
        assert name.removesuffix("_total") in exprs, f"{name} has no panel"


@pytest.fixture
def deployment(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Deployment]:
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        _import_customers(pg_database, world)
        feed = tmp_path / "registrations.json"
        feed.write_text("[]")  # nobody registered: the scheduler's first poll finds all Down
        ports = {name: _free_port() for name in (*PROCESSES, "slack")}
        base = clean_env()
        base.update(
            DATABASE_URL=pg_database.url,
            REDIS_URL=redis_url,
            SIPDESK_REDIS_PREFIX=redis_prefix,
            SIPDESK_START_REDIS="false",
            SIPDESK_HOME=str(tmp_path / "home"),
            SLACK_BOT_TOKEN=sandbox.bot_token,
            SLACK_SIGNING_SECRET=sandbox.signing_secret,
            SLACK_API_URL=sandbox.api_url,
            SIPDESK_STAFF_CHANNEL=world.staff_channel,
            SIPDESK_STAFF_USERGROUP=world.staff_group,
            SIPDESK_REGISTRATIONS_FEED=str(feed),
            SIPDESK_WATCH_INTERVAL="1",
            SIPDESK_DOWN_AFTER="0",
            SIPDESK_STORM_SHARE="1",  # three Down at once are three alerts, not an incident
            PORT=str(ports["slack"]),
        )
        processes: dict[str, subprocess.Popen[str]] = {}
        try:
            for name, command in PROCESSES.items():
                env = {**base, "SIPDESK_METRICS_ADDR": f"127.0.0.1:{ports[name]}"}
                processes[name] = subprocess.Popen(
                    [SIPDESK, command], cwd=tmp_path, env=env, text=True,
                    stdout=subprocess.DEVNULL, stderr=(tmp_path / f"{name}.log").open("w"),
                )  # fmt: skip
            with _prometheus(tmp_path, ports) as prometheus:
                yield Deployment(sandbox, world, f"http://127.0.0.1:{ports['slack']}", prometheus)
        finally:
            for process in processes.values():
                process.send_signal(signal.SIGTERM)
            for name, process in processes.items():
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                log = (tmp_path / f"{name}.log").read_text()
                assert "Traceback" not in log, f"{name}:\n{log[-3000:]}"


class Deployment:
    def __init__(self, sandbox: SlackSandbox, world: DemoWorld, url: str, prometheus: str):
        self.sandbox, self.world, self.url, self.prometheus = sandbox, world, url, prometheus

    def query(self, promql: str) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.prometheus}/api/v1/query", params={"query": promql}, timeout=5)
        body = answer.json()
        assert body["status"] == "success", body
        return list(body["data"]["result"])

    def value(self, promql: str) -> dict[str, float]:
        """process -> value of each series the query answers."""
        return {r["metric"].get("process", ""): float(r["value"][1]) for r in self.query(promql)}

    def until(self, promql: str, wanted: Any, seconds: float = 90) -> dict[str, float]:
        """The query's answer once `wanted(answer)` holds (Prometheus scrapes every second)."""
        found = self.sandbox.eventually(lambda: _holds(self.value(promql), wanted), seconds)
        assert found is not None, f"{promql} never held: {self.value(promql)}"
        return found


def _holds(answer: dict[str, float], wanted: Any) -> dict[str, float] | None:
    return answer if wanted(answer) else None


def test_prometheus_scrapes_web_worker_and_scheduler_as_a_request_goes_through(
    deployment: Deployment,
):
    d, w = deployment, deployment.world
    d.until('up{job="sipdesk"}', lambda a: a == {"web": 1, "worker": 1, "scheduler": 1})
    assert d.sandbox.eventually(lambda: _healthy(d.url), 60)  # the web process listens
    with SlackDriver(f"{d.url}/slack/events", d.sandbox.signing_secret, d.sandbox) as slack:
        answer = slack.slash_command(
            "/callerid", "k3x9q2m7ab +35312345679", user=w.carol, channel=w.globex_channel
        )
        assert answer.status_code == 200
    # asked in the web process; applied by the worker, which tells the customer's thread
    asked = 'sipdesk_requests_total{kind="pstn_caller_id",outcome="asked"}'
    assert d.until(asked, lambda a: a.get("web") == 1) == {"web": 1}
    applied = 'sipdesk_requests_total{kind="pstn_caller_id",outcome="applied"}'
    assert d.until(applied, lambda a: a.get("worker") == 1) == {"worker": 1}
    assert d.value("sipdesk_request_applied_seconds_count") == {
        "worker": 1, "web": 0, "scheduler": 0,
    }  # fmt: skip
    posted = 'sipdesk_slack_api_calls_total{method="chat.postMessage",result="ok"}'
    d.until(posted, lambda a: a.get("worker", 0) >= 1)
    assert d.until("sipdesk_ack_seconds_count", lambda a: a.get("web", 0) >= 1)["web"] >= 1
    assert d.value(
        'sum(sipdesk_ack_seconds_bucket{le="3.0"}) - sum(sipdesk_ack_seconds_count)'
    ) == {"": 0}  # every ack within Slack's 3 s
    assert d.until("sipdesk_jobs_queued", lambda a: "worker" in a)["worker"] == 0
    assert d.value("sipdesk_jobs_failed_total")["worker"] == 0
    # the scheduler's watch: the example's three accounts, none registered, all Down and alerted
    down = d.until('sipdesk_accounts_down{platform="builtin"}', lambda a: a.get("scheduler") == 3)
    assert down == {"scheduler": 3}
    d.until("sipdesk_alert_latency_seconds_count", lambda a: a.get("scheduler", 0) >= 1)
    rules = httpx.get(f"{d.prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
    assert [g["name"] for g in rules] == ["sipdesk"] and len(rules[0]["rules"]) == 10


def _import_customers(db: Database, world: DemoWorld) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["customers"][0]["channels"] = [world.globex_channel]
    data["customers"][1]["channels"] = [world.initech_channel]
    # The customers' own Slack teams: only their people may ask in their channels.
    data["customers"][0]["slack_team"] = world.globex_team
    data["customers"][1]["slack_team"] = world.initech_team
    platform = BuiltinPlatform(db, sip_domain="sip.example.net")
    import_accounts(db, platform, account_import.parse(data))


@contextmanager
def _prometheus(tmp: Path, ports: dict[str, int]) -> Iterator[str]:
    """Debian's Prometheus on a free loopback port, its own config and data folder, scraping
    the three processes every second and evaluating docs/prometheus-rules.yml."""
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": "sipdesk",
                "static_configs": [
                    {"targets": [f"127.0.0.1:{ports[name]}"], "labels": {"process": name}}
                    for name in PROCESSES
                ],
            }
        ],
    }
    (tmp / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "prometheus.log"
    process = subprocess.Popen(
        [
            _tool("prometheus"),
            f"--config.file={tmp / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp / 'prometheus-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        if not SlackSandbox.eventually(lambda: _ready(url), 60):
            pytest.fail(f"prometheus did not get ready:\n{log.read_text()[-3000:]}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
