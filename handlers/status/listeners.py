"""`/sip status [SIP_ACCOUNT]` (and `@sipdesk sip status` through the mention router): acked at
once; the accounts are read and the answer goes to the asker alone through `respond`. One
account named: that answer first, then a second with the devices the platform sees now (a
slash command's ephemeral answer cannot be replaced, so the details follow it)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.asker import Asker, asker_for
from handlers.registry import Registry
from handlers.services import Services
from handlers.staff_only import REFUSAL
from handlers.status.blocks import devices_blocks, devices_text, status_blocks, status_text
from handlers.status.flow import CustomerStatus, status_for_staff, status_of_channel
from handlers.status.live import read_devices, with_live_unknowns
from store.errors import UserFacingError

WORD = "status"
# Telling staff (any customer's account) from others reads the staff group or channel.
READS_STAFF = ("usergroups:read", "channels:read", "groups:read")


def register(registry: Registry, services: Services) -> None:
    def sip_status(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, respond: Any
    ) -> None:
        ack()  # nothing before this: the answer below reads the database and the platform
        channel = str(command.get("channel_id") or "")
        text = str(command.get("text") or "")
        name = text.strip()[len(WORD) :] if text.strip().lower().startswith(WORD) else ""
        try:
            asker = asker_for(
                services, client, context, str(command.get("user_id") or ""),
                command.get("team_id"), channel,
            )  # fmt: skip
            report = _report(services, channel, name, asker)
        except UserFacingError as refused:
            respond(text=f":information_source: {refused.message}", response_type="ephemeral")
            return
        account = report.one_account
        if account is None:
            report = with_live_unknowns(services.telephony, report)
        respond(text=status_text(report), blocks=status_blocks(report), response_type="ephemeral")
        if account is not None:
            live = read_devices(services.telephony, account.username)
            respond(
                text=devices_text(account, live),
                blocks=devices_blocks(account, live, report.timezone),
                response_type="ephemeral",
                replace_original=False,
            )

    registry.subcommand("/sip", WORD, sip_status, scopes=READS_STAFF)


def _report(services: Services, channel: str, name: str, asker: Asker) -> CustomerStatus:
    staff_channel = services.staff_channel is not None and channel == services.staff_channel
    if staff_channel and not asker.is_staff:
        raise UserFacingError(REFUSAL)
    with services.db.session() as session:
        if staff_channel:
            return status_for_staff(session, name)
        return status_of_channel(
            session, channel, name, user_team=asker.team_id, is_staff=asker.is_staff
        )
