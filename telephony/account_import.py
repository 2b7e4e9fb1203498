"""Apply an accounts file: sipdesk's own rows in its store, SIP accounts and caller IDs through
the platform, so each fact has one home (with Kamailio: `subscriber` and `usr_preferences`).

The store part is one transaction; the platform part follows one account at a time. Every step
is idempotent, so re-running an import that the platform interrupted finishes it.
"""

from __future__ import annotations

from store import account_import
from store.account_import import AccountsDocument, ImportSummary, SipAccountEntry
from store.db import Database
from telephony.caller_ids import voip_name, voip_number
from telephony.platform import TelephonyPlatform


def import_accounts(
    database: Database, platform: TelephonyPlatform, document: AccountsDocument
) -> ImportSummary:
    """Upsert the document; the summary counts a customer updated if the platform changed."""
    with database.session() as session:
        summary = account_import.apply(session, document)
    for customer in document.customers:
        for entry in customer.sip_accounts:
            if _apply_sip_account(platform, customer.ref, entry):
                summary.mark_updated(customer.ref)
    return summary


def _apply_sip_account(
    platform: TelephonyPlatform, customer_ref: str, entry: SipAccountEntry
) -> bool:
    changed = platform.adopt_sip_account(
        customer_ref, entry.username, entry.label, mailbox=entry.mailbox, mwi=entry.mwi
    )
    # Absent caller IDs are left as the platform has them: an import deletes nothing.
    current = platform.sip_account(entry.username)
    if entry.pstn_caller_id is not None:
        wanted = None if entry.pstn_caller_id == "anonymous" else entry.pstn_caller_id
        if (current.pstn_caller_id, current.pstn_anonymous) != (wanted, wanted is None):
            platform.set_pstn_caller_id(entry.username, wanted)
            changed = True
    if entry.voip_caller_id is not None:
        given = entry.voip_caller_id
        name = None if given.name is None else voip_name(given.name)
        number = None if given.number is None else voip_number(given.number)
        if (current.voip_caller_id_name, current.voip_caller_id_number) != (name, number):
            platform.set_voip_caller_id(entry.username, name, number)
            changed = True
    return changed
