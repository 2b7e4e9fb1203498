"""The call-back's settings: off by default, and a caller without its number stops start-up."""

from __future__ import annotations

from datetime import time

import pytest

from bot.settings import CallBackCallerKind, SettingsError, load_settings


def test_callback_is_off_unless_a_caller_is_set():
    settings = load_settings(_env_file=None)
    assert settings.callback_caller is CallBackCallerKind.OFF
    assert settings.callback_daily == 10 and settings.callback_applies is False
    assert settings.callback_quiet == (time(21, 0), time(8, 0))


def test_callback_settings_name_every_problem_at_once():
    with pytest.raises(SettingsError) as stopped:
        load_settings(
            _env_file=None,
            SIPDESK_CALLBACK_CALLER="baresip",
            SIPDESK_CALLBACK_BARESIP="nowhere",
            SIPDESK_CALLBACK_COUNTRIES="IE, XX",
            SIPDESK_CALLBACK_QUIET_HOURS="late",
        )
    problems = "\n".join(stopped.value.problems)
    assert "SIPDESK_CALLBACK_FROM: required with SIPDESK_CALLBACK_CALLER" in problems
    assert "SIPDESK_CALLBACK_BARESIP: must be host:port" in problems
    assert "SIPDESK_CALLBACK_COUNTRIES: 'XX' is not a country code" in problems
    assert "SIPDESK_CALLBACK_QUIET_HOURS: must be HH:MM-HH:MM" in problems


def test_callback_settings_read_as_written():
    settings = load_settings(
        _env_file=None,
        SIPDESK_CALLBACK_CALLER="stand-in",
        SIPDESK_CALLBACK_FROM="+35315550100",
        SIPDESK_CALLBACK_COUNTRIES="gb, fr",
        SIPDESK_CALLBACK_QUIET_HOURS="off",
    )
    assert settings.callback_country_list == ("GB", "FR")
    assert settings.callback_quiet is None
