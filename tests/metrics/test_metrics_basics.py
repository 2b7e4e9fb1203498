"""Metrics and JSON logs, piece by piece: the settings, a request counted once it commits, and
one JSON object a log line with its request id. The whole through Prometheus is
tests/metrics/test_prometheus.py."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest
from prometheus_client import REGISTRY

from bot.logs import configure_logging
from bot.metrics_server import serve_metrics
from bot.runtime import StartupError
from bot.settings import SettingsError, load_settings
from store import metrics
from store import requests as state_machine
from store.db import Database
from store.log_context import about_request
from store.models import Customer, RequestKind, RequestState


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_served_on_their_own_address_by_default():
    settings = load_settings(_env_file=None)
    assert settings.metrics_address == ("127.0.0.1", 9464)
    assert load_settings(_env_file=None, SIPDESK_METRICS_ADDR="off").metrics_address is None


def test_metrics_on_the_public_slack_port_are_refused():
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, PORT="3000", SIPDESK_METRICS_ADDR="0.0.0.0:3000")
    assert "SIPDESK_METRICS_ADDR: 0.0.0.0:3000 is the public port" in error.value.message


def test_a_metrics_address_that_is_not_host_and_port_is_named():
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, SIPDESK_METRICS_ADDR="9464")
    assert "SIPDESK_METRICS_ADDR: must be HOST:PORT such as 127.0.0.1:9464, or off" in (
        error.value.message
    )


def _customer(db: Database) -> int:
    with db.session() as session:
        customer = Customer(
            external_ref="M-1", name="M", holder_name="M", plan="p", country="IE", timezone="UTC"
        )
        session.add(customer)
        session.flush()
        return customer.id


def test_a_request_is_counted_when_its_step_commits_and_never_when_it_rolls_back(
    pg_database: Database,
):
    customer_id = _customer(pg_database)
    kind = RequestKind.VOIP_CALLER_ID.value
    asked = _count("sipdesk_requests_total", kind=kind, outcome="asked")
    approved = _count("sipdesk_requests_total", kind=kind, outcome="approved")
    decided = _count("sipdesk_request_decision_seconds_count")
    with pg_database.session() as session:
        request = state_machine.create(
            session,
            kind=RequestKind.VOIP_CALLER_ID,
            customer_id=customer_id,
            channel_id="C1",
            requested_by="U1",
            state=RequestState.PENDING_APPROVAL,
        )
        request_id = request.id
    assert _count("sipdesk_requests_total", kind=kind, outcome="asked") == asked + 1
    with pytest.raises(RuntimeError), pg_database.session() as session:
        state_machine.transition(session, request_id, RequestState.APPROVED, actor="U2")
        raise RuntimeError("the unit of work fails after the step")
    assert _count("sipdesk_requests_total", kind=kind, outcome="approved") == approved
    with pg_database.session() as session:
        state_machine.transition(session, request_id, RequestState.APPROVED, actor="U2")
    assert _count("sipdesk_requests_total", kind=kind, outcome="approved") == approved + 1
    assert _count("sipdesk_request_decision_seconds_count") == decided + 1


def test_json_logs_are_one_object_a_line_with_the_request_id(
    capsys: pytest.CaptureFixture[str],
):
    configure_logging("INFO", "json")
    try:
        log = logging.getLogger("sipdesk.test")
        with about_request(42):
            log.info("applied to postgresql://kam:secret@db/kamailio")
        log.warning("no request here")
    finally:
        configure_logging("INFO")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["request_id"] == 42
    assert lines[0]["level"] == "INFO"
    assert "secret" not in lines[0]["message"]
    assert "request_id" not in lines[1]
    assert lines[1]["message"] == "no request here"


def test_a_taken_metrics_address_stops_start_up_with_a_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = load_settings(_env_file=None, SIPDESK_METRICS_ADDR=f"127.0.0.1:{port}")
        with pytest.raises(StartupError) as error:
            serve_metrics(settings)
    assert str(error.value) == (
        f"SIPDESK_METRICS_ADDR 127.0.0.1:{port} is already in use (another sipdesk process on "
        "this machine?): give each process its own port, or set it to off."
    )


def test_metrics_are_served_where_asked_and_off_records_nothing():
    server = serve_metrics(load_settings(_env_file=None, SIPDESK_METRICS_ADDR="127.0.0.1:0"))
    assert server is not None
    try:
        scraped = httpx.get(server.url, timeout=5).text
        assert "# TYPE sipdesk_ack_seconds histogram" in scraped
        assert "# TYPE sipdesk_requests_total counter" in scraped
    finally:
        server.stop()
    before = _count("sipdesk_jobs_failed_total")
    assert serve_metrics(load_settings(_env_file=None, SIPDESK_METRICS_ADDR="off")) is None
    try:
        metrics.job_failed()
        assert _count("sipdesk_jobs_failed_total") == before
    finally:
        metrics.set_recording(True)
