"""Silences and quiet hours, asked for in Slack: plain functions over the store that answer
with the sentence to show. A customer acts on their own accounts; staff on anyone's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers.mrkdwn import quote
from handlers.watch.blocks import clock
from handlers.watch.mutes import parse_duration, parse_quiet_hours
from store.channels import NotThisChannelsTeam, is_member
from store.errors import UserFacingError
from store.models import ChannelLink, ChannelRole, Customer, Silence, SipAccount

ALL = "all"


@dataclass(frozen=True)
class Asker:
    """Who asks, from where: the channel's customer (None in the staff channel)."""

    user_id: str
    is_staff: bool
    channel_id: str
    customer_id: int | None
    zone: str
    in_staff_channel: bool = False


def asker(
    session: Session,
    user_id: str,
    is_staff: bool,
    channel_id: str,
    staff_zone: str,
    staff_channel: str | None = None,
    *,
    user_team: str | None = None,
) -> Asker:
    """A customer acts in their own channel, and must belong to its team (or the provider's)."""
    link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel_id))
    customer = session.get(Customer, link.customer_id) if link and link.customer_id else None
    if customer is None and not is_staff:
        raise UserFacingError(
            "This channel is not linked to a customer, so I cannot tell whose SIP accounts "
            "you mean. Ask in your company's support channel."
        )
    if not is_staff and link is not None and not is_member(link, user_team):
        raise NotThisChannelsTeam()
    zone = customer.timezone if customer else staff_zone
    customer_id = customer.id if customer else None
    return Asker(user_id, is_staff, channel_id, customer_id, zone, channel_id == staff_channel)


def channel_link(session: Session, who: Asker) -> ChannelLink:
    """The link holding this channel's settings; the staff channel gets one when first asked."""
    link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == who.channel_id))
    if link is None and who.in_staff_channel and who.is_staff:
        link = ChannelLink(channel_id=who.channel_id, role=ChannelRole.STAFF, linked_by=who.user_id)
        session.add(link)
    if link is None:
        raise UserFacingError("This channel is not linked, so it gets no alerts or digests.")
    return link


def _account(session: Session, who: Asker, username: str) -> SipAccount:
    account = session.scalar(select(SipAccount).where(SipAccount.username == username))
    mine = account is not None and (who.is_staff or account.customer_id == who.customer_id)
    if account is None or not mine:
        raise UserFacingError(f"`{quote(username, 64)}` is not one of your SIP accounts.")
    return account


def silence(session: Session, who: Asker, words: list[str], now: datetime) -> str:
    """`/sip silence SIP_ACCOUNT|all DURATION [reason]`."""
    if len(words) < 2:
        raise UserFacingError("Usage: `/sip silence SIP_ACCOUNT|all DURATION [reason]`, e.g. "
                              "`/sip silence all 2h moving office`.")  # fmt: skip
    target, span = words[0], parse_duration(words[1])
    reason = " ".join(words[2:])[:500] or None
    until = now + span
    if target.lower() == ALL:
        if who.customer_id is None:
            raise UserFacingError(
                "`all` silences one customer's accounts: ask in their channel, or name an account."
            )
        session.add(
            Silence(customer_id=who.customer_id, until=until, reason=reason,
                    created_by=who.user_id, created_at=now)
        )  # fmt: skip
        what = "every SIP account of this channel's customer"
    else:
        account = _account(session, who, target)
        session.add(
            Silence(customer_id=account.customer_id, sip_account_id=account.id, until=until,
                    reason=reason, created_by=who.user_id, created_at=now)
        )  # fmt: skip
        what = f"`{account.username}`"
    return (
        f":mute: Down alerts for {what} are silenced until {clock(until, who.zone)}. "
        "Outages are still recorded and show in the digest."
    )


def _visible(session: Session, who: Asker, now: datetime) -> list[tuple[Silence, str, str]]:
    query = (
        select(Silence, Customer.name, SipAccount.username)
        .join(Customer, Customer.id == Silence.customer_id, isouter=True)
        .join(SipAccount, SipAccount.id == Silence.sip_account_id, isouter=True)
        .where(Silence.until > now)
        .order_by(Silence.until)
    )
    if who.customer_id is not None:
        query = query.where(Silence.customer_id == who.customer_id)
    return [(s, c or "", u or "") for s, c, u in session.execute(query).all()]


def list_silences(session: Session, who: Asker, now: datetime) -> str:
    """`/sip silences`: the silences in force here (every one, in the staff channel)."""
    found = _visible(session, who, now)
    if not found:
        return "No silences are in force. Down alerts go out as usual."
    lines = [":mute: *Silences in force*"]
    for item, customer, username in found:
        what = f"`{username}`" if username else "all SIP accounts"
        who_for = f"{quote(customer, 60)}: " if who.customer_id is None else ""
        why = f" ({quote(item.reason, 80)})" if item.reason else ""
        lines.append(f"• #{item.id} {who_for}{what} until {clock(item.until, who.zone)}{why}")
    lines.append("End one with `/sip unsilence ID` (or `/sip unsilence all`).")
    return "\n".join(lines)


def unsilence(session: Session, who: Asker, words: list[str], now: datetime) -> str:
    """`/sip unsilence ID|SIP_ACCOUNT|all`."""
    if not words:
        raise UserFacingError("Usage: `/sip unsilence ID|SIP_ACCOUNT|all` (see `/sip silences`).")
    target = words[0].lstrip("#")
    found = _visible(session, who, now)
    if target.lower() == ALL:
        chosen = [s for s, _, _ in found]
    elif target.isdigit():
        chosen = [s for s, _, _ in found if s.id == int(target)]
    else:
        chosen = [s for s, _, u in found if u == target]
    if not chosen:
        raise UserFacingError(f"No silence in force matches `{quote(target, 64)}`.")
    session.execute(update(Silence).where(Silence.id.in_([s.id for s in chosen])).values(until=now))
    return f":loud_sound: Ended {len(chosen)} silence(s); Down alerts go out again."


def set_quiet_hours(session: Session, who: Asker, words: list[str]) -> str:
    """`/sip quiet 19:00-08:00` (on the channel's clock) or `/sip quiet off`."""
    if not words:
        raise UserFacingError("Usage: `/sip quiet 19:00-08:00` or `/sip quiet off`.")
    link = channel_link(session, who)
    if words[0].lower() == "off":
        link.quiet_hours = None
        return ":bell: Quiet hours are off: Down alerts come here at any hour."
    hours = parse_quiet_hours("".join(words))
    link.quiet_hours = str(hours)
    return (
        f":zzz: Quiet hours {hours} ({who.zone}): Down alerts wait until they end; if the "
        "account is still Down then, the alert comes."
    )
