"""`sipdesk run` on the embedded defaults runs the scheduler in-process (and stops it when it
stops); with PostgreSQL it leaves that to `sipdesk scheduler`. `sipdesk digest --now CHANNEL`
posts that channel's digest at once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.runtime import start_runtime
from bot.scheduler_process import start_in_process
from bot.settings import load_settings
from slack_sandbox import SlackSandbox
from store.db import Database
from store.migrate import upgrade
from store.models import ChannelLink, ChannelRole, Customer, SipAccount


def test_on_the_embedded_defaults_run_starts_the_scheduler_and_close_stops_it(
    tmp_path: Path, redis_url: str, redis_prefix: str
) -> None:
    with SlackSandbox() as sandbox:
        settings = load_settings(
            _env_file=None, SIPDESK_HOME=tmp_path,  # no DATABASE_URL, no REDIS_URL
            SIPDESK_REDIS_PREFIX=redis_prefix, SIPDESK_START_REDIS=False,
            SIPDESK_STAFF_CHANNEL="CSTAFF", **sandbox.bot_env(),
        )  # fmt: skip
        assert settings.runs_scheduler_in_process
        runtime = start_runtime(settings)
        scheduler = start_in_process(runtime)
        assert scheduler is not None
        assert sandbox.eventually(lambda: scheduler.lock.is_leader)
        assert not scheduler.watching  # the built-in platform without a feed: nothing to poll
        runtime.close()
        assert not scheduler.lock.is_leader


def test_with_a_database_url_the_scheduler_is_its_own_process(
    tmp_path: Path, redis_url: str, redis_prefix: str, database: Database
) -> None:
    with SlackSandbox() as sandbox:
        settings = load_settings(
            _env_file=None, SIPDESK_HOME=tmp_path, DATABASE_URL=database.url,
            REDIS_URL=redis_url, SIPDESK_REDIS_PREFIX=redis_prefix, SIPDESK_START_REDIS=False,
            SIPDESK_STAFF_CHANNEL="CSTAFF", **sandbox.bot_env(),
        )  # fmt: skip
        assert not settings.runs_scheduler_in_process
        runtime = start_runtime(settings)
        try:
            assert start_in_process(runtime) is None
        finally:
            runtime.close()


def test_digest_now_posts_one_channels_digest(
    tmp_path: Path, redis_url: str, redis_prefix: str
) -> None:
    db_file = tmp_path / "sipdesk.sqlite3"
    database = Database(f"sqlite:///{db_file}")
    upgrade(database)
    with SlackSandbox() as sandbox:
        channel = sandbox.add_channel("globex-voip")
        staff = sandbox.add_channel("support-staff", is_private=True)
        with database.session() as session:
            customer = Customer(
                external_ref="G", name="Globex", holder_name="G", plan="p", country="IE",
                timezone="Europe/Dublin",
            )  # fmt: skip
            customer.sip_accounts = [SipAccount(username="k3x9q2m7ab", label="Reception")]
            session.add(customer)
            session.flush()
            session.add(
                ChannelLink(channel_id=channel, role=ChannelRole.CUSTOMER, customer_id=customer.id)
            )
        database.dispose()
        env = {
            "DATABASE_URL": f"sqlite:///{db_file}", "REDIS_URL": redis_url,
            "SIPDESK_REDIS_PREFIX": redis_prefix, "SIPDESK_START_REDIS": "false",
            "SLACK_BOT_TOKEN": sandbox.bot_token, "SLACK_SIGNING_SECRET": sandbox.signing_secret,
            "SLACK_API_URL": sandbox.api_url, "SIPDESK_STAFF_CHANNEL": staff,
            "SIPDESK_HOME": str(tmp_path),
        }  # fmt: skip
        result = CliRunner().invoke(main, ["digest", "--now", channel], env=env)
        assert result.exit_code == 0, result.output
        assert "1 digest(s) sent" in result.output
        (digest,) = sandbox.messages(channel)
        assert "All clear" in str(digest["blocks"])
        assert sandbox.messages(staff) == []
        unknown = CliRunner().invoke(main, ["digest", "--now", "CNOPE"], env=env)
        assert unknown.exit_code != 0 and "not a linked channel" in unknown.output
