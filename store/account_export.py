"""`sipdesk export-accounts`: the accounts file as the platform holds it now.

Customers, their channels and the plans come from the store; numbers and SIP accounts (labels,
mailbox, caller IDs) from the telephony platform, which may hold them elsewhere (Kamailio's
usr_preferences). Importing the result back changes nothing. The staff channel has no place in
the file (it is a setting and a `link-channel --staff`), so it is not written.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ChannelLink, ChannelRole, Customer, Plan

HEADER = (
    "# Written by `sipdesk export-accounts`: the accounts as the platform holds them now.\n"
    "# `sipdesk import-accounts` of this file changes nothing.\n"
)


class AccountView(Protocol):
    """A SIP account as the platform applies it (telephony's SipAccountInfo fits)."""

    @property
    def username(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def pstn_caller_id(self) -> str | None: ...
    @property
    def pstn_anonymous(self) -> bool: ...
    @property
    def voip_caller_id_name(self) -> str | None: ...
    @property
    def voip_caller_id_number(self) -> str | None: ...
    @property
    def mailbox(self) -> bool: ...
    @property
    def mwi(self) -> bool: ...


class AccountsPlatform(Protocol):
    """What the exporter reads from the telephony platform."""

    def numbers(self, customer_ref: str) -> tuple[str, ...]: ...
    def sip_accounts(self, customer_ref: str) -> Sequence[AccountView]: ...


class _Flow(dict[str, Any]):
    """A mapping written on one line, `{a: 1, b: 2}`, as the README shows plans."""


def export(session: Session, platform: AccountsPlatform) -> dict[str, Any]:
    """The accounts document (`version`, `plans`, `customers`), ready for `dump`."""
    plans = {
        plan.name: _Flow(new_sip_account=plan.new_sip_account, currency=plan.currency, per=plan.per)
        for plan in session.scalars(select(Plan).order_by(Plan.name))
    }
    customers = [
        _customer(session, platform, customer)
        for customer in session.scalars(select(Customer).order_by(Customer.external_ref))
    ]
    document: dict[str, Any] = {"version": 1}
    if plans:
        document["plans"] = plans
    document["customers"] = customers
    return document


def dump(document: dict[str, Any]) -> str:
    """YAML text of a document from `export`, readable and in a stable order."""
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return HEADER + body


def _customer(session: Session, platform: AccountsPlatform, customer: Customer) -> dict[str, Any]:
    links = session.execute(
        select(ChannelLink.channel_id, ChannelLink.team_id)
        .where(ChannelLink.customer_id == customer.id, ChannelLink.role == ChannelRole.CUSTOMER)
        .order_by(ChannelLink.channel_id)
    ).all()
    channels = [channel for channel, _ in links]
    teams = sorted({team for _, team in links if team})
    entry: dict[str, Any] = {
        "ref": customer.external_ref,
        "name": customer.name,
        "holder_name": customer.holder_name,
        "plan": customer.plan,
        "country": customer.country,
        "timezone": customer.timezone,
        "numbers": list(platform.numbers(customer.external_ref)),
        "sip_accounts": [_sip_account(a) for a in platform.sip_accounts(customer.external_ref)],
        "channels": channels,
    }
    if teams:
        entry["slack_team"] = teams[0]  # one customer, one Slack team
    return entry


def _sip_account(account: AccountView) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "username": account.username,
        "label": account.label,
        "mailbox": account.mailbox,
        "mwi": account.mwi,
    }
    if account.voip_caller_id_name is not None or account.voip_caller_id_number is not None:
        voip = _Flow()
        if account.voip_caller_id_name is not None:
            voip["name"] = account.voip_caller_id_name
        if account.voip_caller_id_number is not None:
            voip["number"] = account.voip_caller_id_number
        entry["voip_caller_id"] = voip
    if account.pstn_anonymous:
        entry["pstn_caller_id"] = "anonymous"
    elif account.pstn_caller_id is not None:
        entry["pstn_caller_id"] = account.pstn_caller_id
    return entry


class _Dumper(yaml.SafeDumper):
    """Safe YAML, with one-line plan and caller-ID mappings and money as written (5.00)."""


def _flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _money(dumper: yaml.SafeDumper, data: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(data, "f"))


_Dumper.add_representer(_Flow, _flow)
_Dumper.add_representer(Decimal, _money)
