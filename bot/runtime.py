"""The composition root: settings in, a running set of parts out (database, Redis, Slack app)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from slack_bolt import App

from bot.ack_runner import stop_listeners
from bot.health import HealthCheck
from bot.local_redis import connect as connect_redis
from bot.local_redis import stop_started as stop_private_redis
from bot.settings import CallBackCallerKind, Settings
from bot.slack_app import build_app
from handlers.refs import use_seal_key
from handlers.registry import Registry
from handlers.services import CallBackSetup, Services
from store.db import Database, Deadlines
from store.migrate import is_up_to_date, upgrade
from store.redact import mask_url, redact
from telephony import TelephonyPlatform, build_platform
from telephony.callback import BaresipCaller, CallBackCaller, StandInPhone

log = logging.getLogger(__name__)


class StartupError(Exception):
    """Start-up cannot go on; the message says what to do."""


@dataclass
class Runtime:
    settings: Settings
    services: Services
    app: App
    registry: Registry
    # What the HTTP door checks Slack's signature with (None in Socket Mode)
    signing_secret: str | None = field(default=None, repr=False)
    _health: HealthCheck | None = field(default=None, init=False, repr=False)
    # In-process parts (scheduler, worker) that `close()` stops first.
    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def redis(self) -> redis.Redis:
        return self.services.redis

    def health(self) -> dict[str, str]:
        """Each part "ok" or "down: why", within 2 s even when a part hangs (bot/health.py)."""
        if self._health is None:
            # The probes look the parts up on each call, so a swapped client is what is probed.
            self._health = HealthCheck(
                {"database": lambda: self.db.ping(), "redis": lambda: self.redis.ping()}
            )
        return self._health()

    def close(self) -> None:
        # Listeners first: none of this runtime's may go on against the parts closed below.
        stop_listeners(self.app)
        for close_part in reversed(self.closers):
            close_part()
        self.db.dispose()
        self.redis.close()
        stop_private_redis()


NO_SLACK = (
    "No Slack credentials are set: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode), "
    "or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode); to try sipdesk without Slack, "
    "run `sipdesk demo`."
)


def connect_database(settings: Settings, *, deadlines: Deadlines | None = None) -> Database:
    """The configured database, answering; else StartupError, one sentence, password masked."""
    settings.home.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    try:
        db = Database(url, deadlines=None if url.startswith("sqlite") else deadlines)
        db.ping()
    except Exception as error:
        raise _cannot_open(url, error) from None
    return db


def open_database(settings: Settings, *, deadlines: Deadlines | None = None) -> Database:
    """The database, migrated if it is the embedded SQLite file; refused if PostgreSQL lags."""
    db = connect_database(settings, deadlines=deadlines)
    try:
        if db.url.startswith("sqlite"):
            upgrade(db)
        elif not is_up_to_date(db):
            raise StartupError("The database schema is behind this release: run `sipdesk migrate`.")
    except StartupError:
        db.dispose()
        raise
    except Exception as error:
        db.dispose()
        raise _cannot_open(db.url, error) from None
    return db


def _cannot_open(url: str, error: Exception) -> StartupError:
    cause = getattr(error, "orig", None) or error
    reason = redact(str(cause)).strip().splitlines()[0] if str(cause).strip() else ""
    return StartupError(
        f"Cannot open the database at {mask_url(url)} ({type(cause).__name__}: {reason}); "
        "check DATABASE_URL and that the server is running."
    )


def telephony_platform(settings: Settings, db: Database) -> TelephonyPlatform:
    """The configured platform (built-in tables or Kamailio)."""
    return build_platform(
        settings.telephony.value,
        database=db,
        sip_domain=settings.sip_domain,
        registrations_feed=settings.registrations_feed,
        kamailio_db_url=settings.kamailio_db_url,
        kamailio_jsonrpc_url=settings.kamailio_jsonrpc_url,
        kamailio_registrations_source=settings.kamailio_registrations_source.value,
        kamailio_timezone=settings.kamailio_timezone,
        timeout=settings.telephony_timeout,
    )


def callback_setup(settings: Settings, client: redis.Redis) -> CallBackSetup | None:
    """The call-back line of SIPDESK_CALLBACK_CALLER, or None when it is off."""
    kind = settings.callback_caller
    if kind is CallBackCallerKind.OFF or settings.callback_from is None:
        return None
    caller: CallBackCaller
    if kind is CallBackCallerKind.BARESIP:
        host, _, port = settings.callback_baresip.rpartition(":")
        caller = BaresipCaller(
            host,
            int(port),
            domain=settings.sip_domain,
            lock_redis=client,
            lock_prefix=settings.redis_prefix,
            ring_seconds=settings.callback_ring,
        )
    else:
        caller = StandInPhone(client, settings.redis_prefix, ring_seconds=settings.callback_ring)
    key = settings.callback_key.get_secret_value().encode() if settings.callback_key else None
    return CallBackSetup(
        caller=caller,
        calls_from=settings.callback_from,
        countries=settings.callback_country_list,
        daily=settings.callback_daily,
        applies=settings.callback_applies,
        key=key,
        quiet_hours=settings.callback_quiet,
    )


def start_runtime(settings: Settings) -> Runtime:
    """Every part the bot runs on; refused without Slack credentials (never a pretend Slack)."""
    if settings.slack_bot_token is None:
        raise StartupError(NO_SLACK)
    # A listener must not wait on PostgreSQL past Slack's ack budget (store/db.py, Deadlines).
    db = open_database(settings, deadlines=Deadlines())
    try:
        client = connect_redis(
            settings.effective_redis_url,
            start_if_down=settings.may_start_redis,
            workdir=settings.home / "redis",
        )
    except Exception as error:
        db.dispose()
        raise StartupError(redact(str(error))) from None
    token = settings.slack_bot_token.get_secret_value()
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    # Every process of one deployment derives the same key: a card posted by the worker is
    # clicked on any web replica.
    use_seal_key(settings.seal_secret)
    services = Services(
        db=db,
        redis=client,
        redis_prefix=settings.redis_prefix,
        telephony=telephony_platform(settings, db),
        staff_channel=settings.staff_channel,
        staff_usergroup=settings.staff_usergroup,
        password_reset=settings.password_reset.value,
        reset_grace=settings.reset_grace,
        public_url=settings.effective_public_url,
        link_ttl=settings.link_ttl,
        file_hosts=settings.extra_file_hosts,
        callback=callback_setup(settings, client),
    )
    app, registry = build_app(
        services, token=token, signing_secret=secret, api_url=settings.slack_api_url
    )
    return Runtime(settings, services, app, registry, signing_secret=secret)
