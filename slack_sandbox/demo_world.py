"""A small world for the demo and for tests: a provider, two customers, a staff group."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sandbox.slack_side import WorldBuilder


@dataclass(frozen=True)
class DemoWorld:
    provider_team: str
    globex_team: str
    initech_team: str
    alice: str  # support agent, workspace admin
    bob: str  # support agent
    carol: str  # Globex's IT contact, reaches us through Slack Connect
    dave: str  # Initech's IT contact
    staff_channel: str  # private, staff only
    globex_channel: str  # shared with Globex
    initech_channel: str  # shared with Initech
    staff_group: str  # the @support usergroup


def seed_demo_world(sandbox: WorldBuilder) -> DemoWorld:
    globex = sandbox.add_team("Globex Dental", "globex-dental")
    initech = sandbox.add_team("Initech Logistics", "initech")
    alice = sandbox.add_user("alice", real_name="Alice Agent", is_admin=True)
    bob = sandbox.add_user("bob", real_name="Bob Support")
    carol = sandbox.add_user("carol", team_id=globex, real_name="Carol Contact")
    dave = sandbox.add_user("dave", team_id=initech, real_name="Dave Desk")
    return DemoWorld(
        provider_team=sandbox.team_id,
        globex_team=globex,
        initech_team=initech,
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        staff_channel=sandbox.add_channel("support-staff", members=[alice, bob], is_private=True),
        globex_channel=sandbox.add_channel(
            "globex-voip", members=[alice, carol], shared_with_team=globex
        ),
        initech_channel=sandbox.add_channel(
            "initech-voip", members=[bob, dave], shared_with_team=initech
        ),
        staff_group=sandbox.add_usergroup("support", [alice, bob], name="Support agents"),
    )
