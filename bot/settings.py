"""Settings: the only place that reads environment variables (and an optional `.env` file).

A bad or missing setting stops start-up with one message that lists every problem.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Self
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path("var")


class TelephonyKind(StrEnum):
    BUILTIN = "builtin"
    KAMAILIO = "kamailio"


class RegistrationsReader(StrEnum):
    JSONRPC = "jsonrpc"  # ul.dump over HTTP JSON-RPC
    LOCATION_TABLE = "location_table"  # usrloc's table (db_mode write-through), for large tables


class SettingsError(Exception):
    """Start-up cannot go on; `message` lists every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"sipdesk cannot start; fix these settings:\n{lines}")
        self.message = str(self)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every setting, by the environment variable that sets it (see README, "Settings")."""

    model_config = SettingsConfigDict(
        # No populate_by_name: it would also read a field's bare name (`home` from $HOME).
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))

    # Where state lives
    home: Path = Field(DEFAULT_HOME, validation_alias=_env("SIPDESK_HOME"))
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    redis_url: str = Field("redis://127.0.0.1:6379/0", validation_alias=_env("REDIS_URL"))
    redis_prefix: str = Field("sipdesk:", validation_alias=_env("SIPDESK_REDIS_PREFIX"))
    start_redis: bool = Field(True, validation_alias=_env("SIPDESK_START_REDIS"))

    # HTTP mode
    host: str = Field("127.0.0.1", validation_alias=_env("HOST"))
    port: int = Field(3000, ge=1, le=65535, validation_alias=_env("PORT"))
    http_threads: int = Field(8, ge=1, le=256, validation_alias=_env("SIPDESK_HTTP_THREADS"))

    # Who is staff
    staff_channel: str | None = Field(None, validation_alias=_env("SIPDESK_STAFF_CHANNEL"))
    staff_usergroup: str | None = Field(None, validation_alias=_env("SIPDESK_STAFF_USERGROUP"))

    # The telephony platform
    telephony: TelephonyKind = Field(
        TelephonyKind.BUILTIN, validation_alias=_env("SIPDESK_TELEPHONY")
    )
    sip_domain: str = Field("sip.example.net", validation_alias=_env("SIPDESK_SIP_DOMAIN"))
    registrations_feed: str | None = Field(
        None, validation_alias=_env("SIPDESK_REGISTRATIONS_FEED")
    )
    kamailio_db_url: str | None = Field(None, validation_alias=_env("KAMAILIO_DB_URL"))
    kamailio_jsonrpc_url: str | None = Field(None, validation_alias=_env("KAMAILIO_JSONRPC_URL"))
    kamailio_registrations_source: RegistrationsReader = Field(
        RegistrationsReader.JSONRPC, validation_alias=_env("KAMAILIO_REGISTRATIONS_SOURCE")
    )
    kamailio_timezone: str = Field("UTC", validation_alias=_env("KAMAILIO_TIMEZONE"))
    telephony_timeout: float = Field(
        5.0, gt=0, le=120, validation_alias=_env("SIPDESK_TELEPHONY_TIMEOUT")
    )

    # The watch, digests and housekeeping (issue 10): the scheduler's periodic work
    watch_interval: float = Field(
        30, gt=0, le=3600, validation_alias=_env("SIPDESK_WATCH_INTERVAL")
    )
    down_after: float = Field(120, ge=0, le=86400, validation_alias=_env("SIPDESK_DOWN_AFTER"))
    storm_share: float = Field(0.3, gt=0, le=1, validation_alias=_env("SIPDESK_STORM_SHARE"))
    alert_staff: bool = Field(True, validation_alias=_env("SIPDESK_ALERT_STAFF"))
    staff_timezone: str = Field("UTC", validation_alias=_env("SIPDESK_STAFF_TIMEZONE"))
    digest_cron: str = Field("0 9 * * 1-5", validation_alias=_env("SIPDESK_DIGEST_CRON"))
    remind_after: float = Field(24, gt=0, le=24 * 90, validation_alias=_env("SIPDESK_REMIND_AFTER"))
    bill_wait_days: float = Field(14, gt=0, le=365, validation_alias=_env("SIPDESK_BILL_WAIT_DAYS"))
    bill_keep_days: float = Field(
        90, gt=0, le=3650, validation_alias=_env("SIPDESK_BILL_KEEP_DAYS")
    )
    push_token: SecretStr | None = Field(None, validation_alias=_env("SIPDESK_PUSH_TOKEN"))
    leader_ttl: float = Field(15, ge=1, le=600, validation_alias=_env("SIPDESK_LEADER_TTL"))
    scheduler_in_process: bool | None = Field(
        None, validation_alias=_env("SIPDESK_SCHEDULER_IN_PROCESS")
    )

    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))

    @property
    def sandbox(self) -> bool:
        """No Slack credentials at all: talk to the local Slack sandbox instead."""
        return self.slack_bot_token is None and self.slack_app_token is None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def runs_scheduler_in_process(self) -> bool:
        """`sipdesk run` runs the scheduler too: by default on the embedded SQLite file only."""
        if self.scheduler_in_process is not None:
            return self.scheduler_in_process
        return self.database_url is None

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'sipdesk.sqlite3').resolve()}"

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[str] = []
        token = _plain(self.slack_bot_token)
        if token is not None and not token.startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN: must be a bot token starting with xoxb-")
        app_token = _plain(self.slack_app_token)
        if app_token is not None and not app_token.startswith("xapp-"):
            problems.append("SLACK_APP_TOKEN: must be an app-level token starting with xapp-")
        if app_token is not None and token is None:
            problems.append("SLACK_BOT_TOKEN: required with SLACK_APP_TOKEN (Socket Mode)")
        if token is not None and app_token is None and self.slack_signing_secret is None:
            problems.append("SLACK_SIGNING_SECRET: required in HTTP mode (SLACK_BOT_TOKEN is set)")
        if token is not None and not self.staff_channel:
            problems.append("SIPDESK_STAFF_CHANNEL: required with a real Slack workspace")
        if not _is_http_url(self.slack_api_url):
            problems.append("SLACK_API_URL: must be an http(s) URL such as https://slack.com/api/")
        if urlparse(self.redis_url).scheme not in ("redis", "rediss", "unix"):
            problems.append("REDIS_URL: must look like redis://host:6379/0")
        if self.database_url is not None and not self.database_url.startswith(
            ("sqlite", "postgresql")
        ):
            problems.append("DATABASE_URL: must be sqlite:///FILE or postgresql+psycopg://...")
        if self.telephony is TelephonyKind.KAMAILIO:
            if not self.kamailio_db_url:
                problems.append("KAMAILIO_DB_URL: required with SIPDESK_TELEPHONY=kamailio")
            jsonrpc = self.kamailio_registrations_source is RegistrationsReader.JSONRPC
            if jsonrpc and not self.kamailio_jsonrpc_url:
                problems.append("KAMAILIO_JSONRPC_URL: required with SIPDESK_TELEPHONY=kamailio")
        problems += _watch_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise `SettingsError` naming every bad or missing one.

    `overrides` are keyed by environment variable name (`DATABASE_URL=...`), as tests and the demo
    set them; `_env_file=None` ignores a `.env` file.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = _problems(error)
        # Check the rest again with the broken fields at their defaults, so the message lists
        # the cross-field problems too rather than one round of fixes at a time.
        broken = {_field_name(str(i["loc"][0])) for i in error.errors() if i["loc"]}
        defaults = {
            _env_name(n): Settings.model_fields[n].default
            for n in broken
            if n in Settings.model_fields
        }
        try:
            Settings(**{**overrides, **defaults})
        except ValidationError as again:
            problems += [p for p in _problems(again) if p not in problems]
        raise SettingsError(problems) from None


def _problems(error: ValidationError) -> list[str]:
    problems: list[str] = []
    for item in error.errors():
        if item["type"] == "value_error" and not item["loc"]:
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.extend(message.splitlines())
            continue
        name = _env_name(str(item["loc"][0])) if item["loc"] else "settings"
        got = item.get("input")
        shown = f" (got {got!r})" if isinstance(got, str | int | float) else ""
        problems.append(f"{name}: {item['msg']}{shown}")
    return problems


def _field_name(field_or_alias: str) -> str:
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices) and field_or_alias in alias.choices:
            return name
    return field_or_alias


def _env_name(field_or_alias: str) -> str:
    field = Settings.model_fields.get(_field_name(field_or_alias))
    if field is not None and isinstance(field.validation_alias, AliasChoices):
        return str(field.validation_alias.choices[0])
    return field_or_alias.upper()


def _watch_problems(settings: Settings) -> list[str]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from handlers.digests.slots import trigger

    problems: list[str] = []
    try:
        ZoneInfo(settings.staff_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"SIPDESK_STAFF_TIMEZONE: {settings.staff_timezone!r} is not a time zone "
            "(try Europe/London)"
        )
    try:
        trigger(" ".join(settings.digest_cron.split()), "UTC")
    except ValueError:
        problems.append(
            f"SIPDESK_DIGEST_CRON: {settings.digest_cron!r} is not a cron line "
            "(minute hour day month weekday, e.g. 0 9 * * 1-5)"
        )
    return problems


def _plain(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()


def _is_http_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)
