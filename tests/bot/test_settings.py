"""Settings: the embedded defaults work with nothing set; bad ones are all named at once."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, TelephonyKind, load_settings


def test_nothing_set_means_the_embedded_defaults():
    settings = load_settings(_env_file=None)
    assert settings.has_slack_credentials is False
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("var/sipdesk.sqlite3")
    assert settings.port == 3000
    assert settings.telephony is TelephonyKind.BUILTIN


def test_every_problem_is_listed_in_one_message(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PORT", "99999")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-a-user-token")
    monkeypatch.setenv("SIPDESK_TELEPHONY", "kamailio")
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    names = [p.split(":", 1)[0] for p in error.value.problems]
    assert names == [
        "PORT",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SIPDESK_STAFF_CHANNEL",
        "REDIS_URL",
        "KAMAILIO_DB_URL",
        "KAMAILIO_JSONRPC_URL",
    ]
    assert error.value.message.startswith("sipdesk cannot start; fix these settings:\n  - PORT")


def test_socket_mode_needs_an_app_token_and_a_bot_token(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-abc")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN: required with SLACK_APP_TOKEN"):
        load_settings(_env_file=None)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SIPDESK_STAFF_CHANNEL", "C0STAFF")
    settings = load_settings(_env_file=None)
    assert settings.socket_mode and settings.has_slack_credentials


def test_secrets_never_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh")
    monkeypatch.setenv("SIPDESK_STAFF_CHANNEL", "C0STAFF")
    assert "very-secret" not in repr(load_settings(_env_file=None))


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("LOG_LEVEL", "loud", "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("KAMAILIO_TIMEZONE", "Mars/Base", "KAMAILIO_TIMEZONE: must be an IANA time zone"),
        ("SIPDESK_STAFF_CHANNEL", "#support", "SIPDESK_STAFF_CHANNEL: must be a Slack channel ID"),
        ("SIPDESK_STAFF_USERGROUP", "@support", "SIPDESK_STAFF_USERGROUP: must be a Slack user"),
        ("SIPDESK_SIP_DOMAIN", "sip example", "SIPDESK_SIP_DOMAIN: must be a host name"),
        ("KAMAILIO_JSONRPC_URL", "127.0.0.1:5071", "KAMAILIO_JSONRPC_URL: must be an http(s) URL"),
        ("SIPDESK_REGISTRATIONS_FEED", "ftp://x/y", "SIPDESK_REGISTRATIONS_FEED: must be a file"),
        ("KAMAILIO_DB_URL", "kamailio", "KAMAILIO_DB_URL: must be a database URL"),
    ],
)
def test_a_typo_in_any_setting_is_named_with_what_it_should_be(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert any(p.startswith(expected) for p in error.value.problems), error.value.problems
    assert "Value error" not in error.value.message


def test_a_bad_url_is_echoed_without_its_password(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://admin:s3cret@db/sipdesk")
    monkeypatch.setenv("KAMAILIO_DB_URL", "mongo://admin:s3cret@db/kamailio")
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert "s3cret" not in error.value.message


def test_the_log_level_is_read_in_any_case(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_settings(_env_file=None).log_level == "DEBUG"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "::1", "sipdesk.internal", "10.0.0.7"])
def test_any_address_or_host_name_is_a_host(monkeypatch: pytest.MonkeyPatch, host: str):
    monkeypatch.setenv("HOST", host)
    assert load_settings(_env_file=None).host == host


def test_a_new_password_is_decided_by_staff_and_its_down_held_30_minutes_by_default(
    monkeypatch: pytest.MonkeyPatch,
):
    from datetime import timedelta

    from bot.settings import PasswordResetPolicy

    settings = load_settings(_env_file=None)
    assert settings.password_reset is PasswordResetPolicy.STAFF
    assert settings.reset_grace == timedelta(minutes=30)
    monkeypatch.setenv("SIPDESK_PASSWORD_RESET", "self")
    monkeypatch.setenv("SIPDESK_RESET_GRACE", "2h")
    settings = load_settings(_env_file=None)
    assert settings.password_reset is PasswordResetPolicy.SELF
    assert settings.reset_grace == timedelta(hours=2)
    for name, value in (("SIPDESK_PASSWORD_RESET", "anyone"), ("SIPDESK_RESET_GRACE", "3d")):
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError) as error:
            load_settings(_env_file=None)
        assert any(p.startswith(name) for p in error.value.problems), error.value.problems
        monkeypatch.delenv(name)
