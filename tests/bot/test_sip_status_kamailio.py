"""`/sip status ACCOUNT` on a real Kamailio: sipsak registers a device, and the details a
customer reads (user agent, source address, registered at, expires) are what usrloc holds now,
read with `ul.lookup` or from the `location` table. Through the real app and the sandbox."""

from __future__ import annotations

import json

import pytest
from customers import load_example_customers
from running import RunningBot

from slack_sandbox import RecordedResponse
from tests.telephony.telephony_world import SIP_DOMAIN, KamailioServer, Phone, free_port, kamailio

pytestmark = pytest.mark.kamailio
__all__ = ["kamailio"]  # the session's Kamailio, a fixture of the telephony tests


@pytest.fixture(params=["jsonrpc", "location_table"])
def bot_settings(request: pytest.FixtureRequest, kamailio: KamailioServer) -> dict[str, object]:
    return {
        "SIPDESK_TELEPHONY": "kamailio",
        "SIPDESK_SIP_DOMAIN": SIP_DOMAIN,
        "KAMAILIO_DB_URL": kamailio.db_url,
        "KAMAILIO_JSONRPC_URL": kamailio.jsonrpc_url,
        "KAMAILIO_REGISTRATIONS_SOURCE": request.param,
    }


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    load_example_customers(running_bot.runtime, running_bot.world)
    return running_bot


def _details(bot: RunningBot, account: str) -> RecordedResponse:
    w = bot.world
    before = len(bot.sandbox.responses)
    answer = bot.slack.slash_command(
        "/sip", f"status {account}", user=w.carol, channel=w.globex_channel
    )
    assert answer.status_code == 200
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses[before:][1:])
    assert len(said) == 1
    return said[0]


def test_the_device_sipsak_registered_is_what_the_customer_reads(
    bot: RunningBot, kamailio: KamailioServer
):
    username = "k3x9q2m7ab"
    password = bot.runtime.services.telephony.reset_password(username)
    port = free_port(2)
    registered = Phone(kamailio).register(username, password, contact_port=port, expires=300)
    assert registered.ok, registered.output
    try:
        details = _details(bot, "Reception desk")
        shown = json.dumps(details.body["blocks"], ensure_ascii=False)
        assert "*sipsak " in shown  # its User-Agent, as Kamailio stored it
        assert "from `127.0.0.1:" in shown  # where the REGISTER came from
        assert "registered " in shown and "expires " in shown and "(in 4 min)" in shown
        assert details.body["text"] == f"{username}: 1 device registered now"
    finally:
        Phone(kamailio).register(username, password, contact_port=port, expires=0)


def test_an_account_without_a_device_says_so(bot: RunningBot):
    details = _details(bot, "p8w4n6t1cz")
    assert "No device registered" in json.dumps(details.body["blocks"])
    assert details.body["text"] == "p8w4n6t1cz: no devices registered now"
