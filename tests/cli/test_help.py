"""`sipdesk --help` answers at once: it imports no command, so no Slack, database or OCR code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from bot.cli import COMMANDS, main

SIPDESK = str(Path(sys.executable).parent / "sipdesk")
HEAVY = ("slack_bolt", "slack_sdk", "sqlalchemy", "pydantic", "redis", "ocr_checks", "yaml")

PROBE = """
import sys
from bot.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print("MODULES", " ".join(sorted(sys.modules)))
"""


def test_the_help_imports_none_of_the_commands():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    shown, _, modules = done.stdout.partition("MODULES ")
    assert "run" in shown and "check-bill" in shown
    loaded = set(modules.split())
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)
    assert not [m for m in loaded if m.startswith("bot.cli.")]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_loads_and_explains_itself(name: str):
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    done = subprocess.run(
        [SIPDESK, name, "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"Usage: sipdesk {name}" in done.stdout
