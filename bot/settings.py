"""Settings: the only place that reads environment variables (and an optional `.env` file).

A bad or missing setting stops start-up with one message that lists every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time, timedelta
from enum import StrEnum
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.redact import mask_url

DEFAULT_HOME = Path("var")
_URLS_WITH_PASSWORDS = ("database_url", "redis_url", "kamailio_db_url")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_SLACK_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
EMBEDDED_REDIS_URL = "redis://127.0.0.1:6379/0"


class TelephonyKind(StrEnum):
    BUILTIN = "builtin"
    KAMAILIO = "kamailio"


class PasswordResetPolicy(StrEnum):
    STAFF = "staff"  # a staff card with Approve / Reject
    SELF = "self"  # applied at once for the channel's customer, audited


class RegistrationsReader(StrEnum):
    JSONRPC = "jsonrpc"  # ul.dump over HTTP JSON-RPC
    LOCATION_TABLE = "location_table"  # usrloc's table (db_mode write-through), for large tables


class CallBackCallerKind(StrEnum):
    OFF = "off"  # no call-back: a bill is the only proof
    BARESIP = "baresip"  # a baresip beside sipdesk, over ctrl_tcp, dialling through the platform
    STAND_IN = "stand-in"  # a pretend line, for the demo and tests (no telephone network)


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"  # one JSON object a line, for a log shipper


DEFAULT_METRICS_ADDR = "127.0.0.1:9464"
METRICS_OFF = "off"


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
    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL"))
    redis_prefix: str = Field("sipdesk:", validation_alias=_env("SIPDESK_REDIS_PREFIX"))
    start_redis: bool = Field(True, validation_alias=_env("SIPDESK_START_REDIS"))

    # HTTP mode
    host: str = Field("127.0.0.1", validation_alias=_env("HOST"))
    port: int = Field(3000, ge=1, le=65535, validation_alias=_env("PORT"))
    http_threads: int = Field(8, ge=1, le=256, validation_alias=_env("SIPDESK_HTTP_THREADS"))

    # One-time pages (bill uploads, new credentials): served beside /slack/events in HTTP mode,
    # on their own port in Socket Mode; SIPDESK_PUBLIC_URL is what the links start with.
    public_url: str | None = Field(None, validation_alias=_env("SIPDESK_PUBLIC_URL"))
    pages_port: int = Field(3001, ge=1, le=65535, validation_alias=_env("SIPDESK_PAGES_PORT"))
    link_ttl: timedelta = Field(timedelta(hours=24), validation_alias=_env("SIPDESK_LINK_TTL"))

    # A new password for a SIP account (issue 20): who decides, how long its Down is expected
    password_reset: PasswordResetPolicy = Field(
        PasswordResetPolicy.STAFF, validation_alias=_env("SIPDESK_PASSWORD_RESET")
    )
    reset_grace: timedelta = Field(
        timedelta(minutes=30), validation_alias=_env("SIPDESK_RESET_GRACE")
    )

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

    # The call-back proof (issue 15): ring the claimed number, the answerer keys in a code
    callback_caller: CallBackCallerKind = Field(
        CallBackCallerKind.OFF, validation_alias=_env("SIPDESK_CALLBACK_CALLER")
    )
    callback_from: str | None = Field(None, validation_alias=_env("SIPDESK_CALLBACK_FROM"))
    callback_baresip: str = Field(
        "127.0.0.1:4444", validation_alias=_env("SIPDESK_CALLBACK_BARESIP")
    )
    callback_countries: str = Field("", validation_alias=_env("SIPDESK_CALLBACK_COUNTRIES"))
    callback_daily: int = Field(10, ge=1, le=1000, validation_alias=_env("SIPDESK_CALLBACK_DAILY"))
    callback_applies: bool = Field(False, validation_alias=_env("SIPDESK_CALLBACK_APPLIES"))
    callback_ring: float = Field(30, ge=1, le=120, validation_alias=_env("SIPDESK_CALLBACK_RING"))
    callback_key: SecretStr | None = Field(None, validation_alias=_env("SIPDESK_CALLBACK_KEY"))
    callback_quiet_hours: str = Field(
        "21:00-08:00", validation_alias=_env("SIPDESK_CALLBACK_QUIET_HOURS")
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
    confirm_wait_days: float = Field(
        7, gt=0, le=365, validation_alias=_env("SIPDESK_CONFIRM_WAIT_DAYS")
    )
    bill_keep_days: float = Field(
        90, gt=0, le=3650, validation_alias=_env("SIPDESK_BILL_KEEP_DAYS")
    )
    push_token: SecretStr | None = Field(None, validation_alias=_env("SIPDESK_PUSH_TOKEN"))
    # What seals button values and modal metadata (handlers/refs.py); unset: derived from the
    # signing secret (else the bot token), so every replica and worker shares it unasked.
    seal_key: SecretStr | None = Field(None, validation_alias=_env("SIPDESK_SEAL_KEY"))
    # Hosts besides Slack's own file hosts that get the bot token for a url_private download,
    # comma-separated host[:port] (the local Slack sandbox's address in tests and the demo).
    slack_file_hosts: str = Field("", validation_alias=_env("SIPDESK_SLACK_FILE_HOSTS"))
    leader_ttl: float = Field(15, ge=1, le=600, validation_alias=_env("SIPDESK_LEADER_TTL"))
    scheduler_in_process: bool | None = Field(
        None, validation_alias=_env("SIPDESK_SCHEDULER_IN_PROCESS")
    )

    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    log_format: LogFormat = Field(LogFormat.TEXT, validation_alias=_env("LOG_FORMAT"))
    # Prometheus metrics of this process (issue 17); "off" serves none. Per process: a web
    # replica, a worker and a scheduler on one machine each need their own port.
    metrics_addr: str = Field(DEFAULT_METRICS_ADDR, validation_alias=_env("SIPDESK_METRICS_ADDR"))

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("metrics_addr")
    @classmethod
    def _metrics_addr(cls, value: str) -> str:
        if value.strip().lower() == METRICS_OFF:
            return METRICS_OFF
        if split_host_port(value) is None:
            raise ValueError("must be HOST:PORT such as 127.0.0.1:9464, or off")
        return value.strip()

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        """Where this process serves /metrics, or None with SIPDESK_METRICS_ADDR=off."""
        return None if self.metrics_addr == METRICS_OFF else split_host_port(self.metrics_addr)

    @field_validator("kamailio_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as UTC or Europe/Dublin") from None
        return value

    @field_validator("staff_channel")
    @classmethod
    def _staff_channel(cls, value: str | None) -> str | None:
        if value is not None and not _SLACK_CHANNEL_ID.match(value):
            raise ValueError("must be a Slack channel ID such as C0123ABCD (not its #name)")
        return value

    @field_validator("staff_usergroup")
    @classmethod
    def _staff_usergroup(cls, value: str | None) -> str | None:
        if value is not None and not _SLACK_USERGROUP_ID.match(value):
            raise ValueError("must be a Slack user group ID such as S0123ABCD (not its @handle)")
        return value

    @field_validator("sip_domain", "host")
    @classmethod
    def _hostname(cls, value: str) -> str:
        if not _HOSTNAME.match(value) and not _is_ip_address(value):
            raise ValueError("must be a host name or address such as sip.example.net")
        return value

    @field_validator("kamailio_jsonrpc_url")
    @classmethod
    def _jsonrpc_url(cls, value: str | None) -> str | None:
        if value is not None and not _is_http_url(value):
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:5071/RPC")
        return value

    @field_validator("registrations_feed")
    @classmethod
    def _feed(cls, value: str | None) -> str | None:
        if value is not None and "://" in value and not _is_http_url(value):
            raise ValueError("must be a file path or an http(s) URL")
        return value

    @field_validator("kamailio_db_url")
    @classmethod
    def _kamailio_db(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgres", "mysql", "sqlite")):
            raise ValueError("must be a database URL such as postgres://kamailio@host/kamailio")
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Tokens are SecretStr already; URLs stay plain strings for their users, masked here.
        for name, value in super().__repr_args__():
            masked = name in _URLS_WITH_PASSWORDS and isinstance(value, str)
            yield name, mask_url(value) if masked else value

    @property
    def has_slack_credentials(self) -> bool:
        """A bot token is set; `sipdesk run` refuses to start without one."""
        return self.slack_bot_token is not None

    @property
    def callback_country_list(self) -> tuple[str, ...]:
        """SIPDESK_CALLBACK_COUNTRIES as ISO codes ("IE, GB" → ("IE", "GB"))."""
        return tuple(c.strip().upper() for c in self.callback_countries.split(",") if c.strip())

    @property
    def callback_quiet(self) -> tuple[time, time] | None:
        """SIPDESK_CALLBACK_QUIET_HOURS as (from, until), None for "off"."""
        return parse_quiet_hours(self.callback_quiet_hours)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def runs_scheduler_in_process(self) -> bool:
        """`sipdesk run` runs the scheduler too: by default on the embedded defaults only (the
        SQLite file, no REDIS_URL), where it is the one process of the product."""
        if self.scheduler_in_process is not None:
            return self.scheduler_in_process
        return self.database_url is None and self.redis_url is None

    @property
    def effective_public_url(self) -> str:
        """Where people reach the pages: SIPDESK_PUBLIC_URL, else this process's own address."""
        if self.public_url:
            return self.public_url.rstrip("/")
        port = self.pages_port if self.socket_mode else self.port
        return f"http://{self.host}:{port}"

    @field_validator("link_ttl", "reset_grace", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return _parse_duration(value) if isinstance(value, str) else value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'sipdesk.sqlite3').resolve()}"

    @property
    def seal_secret(self) -> bytes:
        """The secret the sealing key is derived from: its own setting, else a Slack secret."""
        for secret in (self.seal_key, self.slack_signing_secret, self.slack_bot_token):
            if secret is not None:
                return secret.get_secret_value().encode()
        return b""

    @property
    def extra_file_hosts(self) -> tuple[str, ...]:
        return tuple(h.strip().lower() for h in self.slack_file_hosts.split(",") if h.strip())

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or EMBEDDED_REDIS_URL

    @property
    def may_start_redis(self) -> bool:
        """Only on the embedded default: a configured Redis that is down is an error, because a
        replica with a private Redis would stop sharing dedupe and the leader lock."""
        return self.redis_url is None and self.start_redis

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
        if self.public_url is not None and not _is_http_url(self.public_url):
            problems.append(
                "SIPDESK_PUBLIC_URL: must be an http(s) URL such as https://sipdesk.example.com"
            )
        if not timedelta(minutes=1) <= self.link_ttl <= timedelta(days=30):
            problems.append("SIPDESK_LINK_TTL: must be between 1m and 30d (e.g. 24h)")
        if not timedelta(0) <= self.reset_grace <= timedelta(days=1):
            problems.append("SIPDESK_RESET_GRACE: must be between 0 and 1d (e.g. 30m)")
        if urlparse(self.effective_redis_url).scheme not in ("redis", "rediss", "unix"):
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
        push = _plain(self.push_token)
        if push is not None and push.strip() and len(push.strip()) < 32:
            problems.append(
                "SIPDESK_PUSH_TOKEN: at least 32 characters (e.g. `openssl rand -hex 32`); "
                "leave it unset to keep the push endpoint off"
            )
        problems += _callback_problems(self)
        problems += _watch_problems(self)
        problems += _metrics_problems(self)
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
        shown = f" (got {_shown(name, got)!r})" if isinstance(got, str | int | float) else ""
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}: {message}{shown}")
    return problems


def _shown(name: str, value: object) -> object:
    # A bad value is echoed back to help, but never with a password or token in it.
    return mask_url(value) if isinstance(value, str) else value


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


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """ "21:00-08:00" → (21:00, 08:00); "off" → None; ValueError for anything else."""
    text = text.strip().lower()
    if text == "off":
        return None
    start, dash, until = text.partition("-")
    if not dash:
        raise ValueError(text)
    return time.fromisoformat(start.strip()), time.fromisoformat(until.strip())


def _callback_problems(settings: Settings) -> list[str]:
    import phonenumbers

    problems: list[str] = []
    if settings.callback_caller is CallBackCallerKind.OFF:
        return problems
    number = settings.callback_from
    try:
        valid = number is not None and phonenumbers.is_valid_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        valid = False
    if not valid or number is None or not number.startswith("+"):
        problems.append(
            "SIPDESK_CALLBACK_FROM: required with SIPDESK_CALLBACK_CALLER, the E.164 number the "
            "call-back shows (e.g. +35315550100)"
        )
    for code in settings.callback_country_list:
        if code not in phonenumbers.SUPPORTED_REGIONS:
            problems.append(f"SIPDESK_CALLBACK_COUNTRIES: {code!r} is not a country code (e.g. IE)")
    try:
        parse_quiet_hours(settings.callback_quiet_hours)
    except ValueError:
        problems.append(
            "SIPDESK_CALLBACK_QUIET_HOURS: must be HH:MM-HH:MM (e.g. 21:00-08:00) or off"
        )
    host, _, port = settings.callback_baresip.rpartition(":")
    if settings.callback_caller is CallBackCallerKind.BARESIP and (
        not host or not port.isdigit() or not 0 < int(port) < 65536
    ):
        problems.append("SIPDESK_CALLBACK_BARESIP: must be host:port of baresip's ctrl_tcp")
    return problems


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


def _metrics_problems(settings: Settings) -> list[str]:
    address = settings.metrics_address
    if address is None or address[1] == 0:
        return []
    # Never beside Slack's requests: the public port must not answer /metrics.
    public = settings.pages_port if settings.socket_mode else settings.port
    hosts = {settings.host, address[0]}
    if address[1] == public and (len(hosts) == 1 or hosts & {"0.0.0.0", "::"}):
        return [
            f"SIPDESK_METRICS_ADDR: {settings.metrics_addr} is the public port of Slack's "
            "requests; give the metrics a port of their own (e.g. 127.0.0.1:9464)"
        ]
    return []


def split_host_port(text: str) -> tuple[str, int] | None:
    """ "127.0.0.1:9464" or "[::1]:9464" as (host, port); None when it is neither."""
    host, sep, port = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        return None
    if not (_HOSTNAME.match(host) or _is_ip_address(host)):
        return None
    return host, int(port)


def _plain(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_duration(text: str) -> object:
    """ "90s", "30m", "24h", "7d" or plain seconds; anything else is left for pydantic to refuse."""
    raw = text.strip().lower()
    unit = _UNITS.get(raw[-1:]) if raw else None
    number = raw[:-1] if unit else raw
    try:
        return timedelta(seconds=float(number) * (unit or 1))
    except ValueError:
        return text


def _is_ip_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_http_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)
