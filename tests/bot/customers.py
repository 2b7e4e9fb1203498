"""The example customers (examples/accounts.yml) in a running bot's database, linked to the
sandbox's shared channels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.runtime import Runtime
from slack_sandbox import DemoWorld
from store import account_import
from telephony.account_import import import_accounts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "accounts.yml"


def example_accounts(world: DemoWorld) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    channels = {"GLOBEX-001": world.globex_channel, "INITECH-042": world.initech_channel}
    teams = {"GLOBEX-001": world.globex_team, "INITECH-042": world.initech_team}
    for customer in data["customers"]:
        customer["channels"] = [channels[customer["ref"]]]
        customer["slack_team"] = teams[customer["ref"]]
    return data


def load_example_customers(runtime: Runtime, world: DemoWorld) -> None:
    """As `sipdesk import-accounts` does: the store, then SIP accounts through the platform."""
    document = account_import.parse(example_accounts(world))
    import_accounts(runtime.db, runtime.services.telephony, document)
