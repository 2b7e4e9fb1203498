"""The composition root: settings in, a running set of parts out (database, Redis, Slack app)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import redis
from slack_bolt import App

from bot.local_redis import connect as connect_redis
from bot.settings import Settings
from bot.slack_app import build_app
from handlers.registry import Registry
from handlers.services import Services
from store.db import Database
from store.migrate import is_up_to_date, upgrade
from telephony import build_platform

if TYPE_CHECKING:
    from slack_sandbox import SlackSandbox

log = logging.getLogger(__name__)


class StartupError(Exception):
    """Start-up cannot go on; the message says what to do."""


@dataclass
class Runtime:
    settings: Settings
    services: Services
    app: App
    registry: Registry
    sandbox: SlackSandbox | None = None
    _owned_sandbox: bool = field(default=False, repr=False)

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def redis(self) -> redis.Redis:
        return self.services.redis

    def health(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            self.db.ping()
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"down: {type(error).__name__}"
        try:
            self.redis.ping()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = f"down: {type(error).__name__}"
        return checks

    def close(self) -> None:
        if self._owned_sandbox and self.sandbox is not None:
            self.sandbox.stop()
        self.db.dispose()
        self.redis.close()


def open_database(settings: Settings) -> Database:
    """The database, migrated if it is the embedded SQLite file; refused if PostgreSQL lags."""
    settings.home.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    try:
        if db.url.startswith("sqlite"):
            upgrade(db)
        elif not is_up_to_date(db):
            raise StartupError("The database schema is behind this release: run `sipdesk migrate`.")
    except StartupError:
        raise
    except Exception as error:
        raise StartupError(f"Cannot open the database ({type(error).__name__}: {error}).") from None
    return db


def start_runtime(settings: Settings, *, sandbox: SlackSandbox | None = None) -> Runtime:
    db = open_database(settings)
    try:
        client = connect_redis(
            settings.redis_url, start_if_down=settings.start_redis, workdir=settings.home / "redis"
        )
    except Exception as error:
        raise StartupError(str(error)) from None
    owned = False
    secret: str | None
    if settings.sandbox:
        if sandbox is None:
            from slack_sandbox import SlackSandbox

            sandbox = SlackSandbox().start()
            owned = True
        token, secret, api_url = sandbox.bot_token, sandbox.signing_secret, sandbox.api_url
    else:
        assert settings.slack_bot_token is not None
        token = settings.slack_bot_token.get_secret_value()
        secret = (
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        )
        api_url = settings.slack_api_url
    services = Services(
        db=db,
        redis=client,
        redis_prefix=settings.redis_prefix,
        telephony=build_platform(
            settings.telephony.value,
            database=db,
            sip_domain=settings.sip_domain,
            registrations_feed=settings.registrations_feed,
            kamailio_db_url=settings.kamailio_db_url,
            kamailio_jsonrpc_url=settings.kamailio_jsonrpc_url,
            kamailio_registrations_source=settings.kamailio_registrations_source.value,
            kamailio_timezone=settings.kamailio_timezone,
            timeout=settings.telephony_timeout,
        ),
        staff_channel=settings.staff_channel,
        staff_usergroup=settings.staff_usergroup,
        public_url=settings.effective_public_url,
        link_ttl=settings.link_ttl,
    )
    app, registry = build_app(services, token=token, signing_secret=secret, api_url=api_url)
    return Runtime(settings, services, app, registry, sandbox, owned)
