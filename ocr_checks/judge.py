"""From a read document to a `Report`: numbers, holder, date, issuer, tampering, verdict."""

from __future__ import annotations

import phonenumbers

from ocr_checks.bill_date import find_bill_date, is_recent
from ocr_checks.claim import Claim
from ocr_checks.document import Document, TamperSignal
from ocr_checks.holder import check_holder
from ocr_checks.issuer import find_issuer, issuer_region
from ocr_checks.numbers import covers, find_numbers, parse_claimed, region_code
from ocr_checks.policy import Findings, decide
from ocr_checks.report import Holder, Match, Report


def judge(read: tuple[Document, list[TamperSignal]], data: bytes, claim: Claim) -> Report:
    """Judge a document already read from `data` against `claim`."""
    document, tamper = read
    region = region_code(claim.region)
    claimed = parse_claimed(claim.number, region)
    issuer = find_issuer(document, region)
    claimed_region = phonenumbers.region_code_for_number(claimed)
    found = find_numbers(document, (issuer_region(issuer), claimed_region, region), claimed)
    mine = [m for m in found if covers(m, claimed)]
    lines = [m for m in found if m.role == "line"]
    line_numbers = list(dict.fromkeys(m.e164 for m in lines))
    holder = check_holder(document, claim.holder, issuer)
    found_date = find_bill_date(document)
    bill_date = found_date.when if found_date else None
    ocr_pages = {p.number for p in document.pages if p.source == "ocr"}
    verdict, reasons, checks = decide(
        Findings(
            claimed_number=claim.number,
            claimed_holder=claim.holder,
            matches=mine,
            holder=holder,
            bill_date=found_date,
            as_of=claim.as_of,
            recent_days=claim.recent_days,
            tamper=tamper,
            ocr_confidence=document.ocr_confidence,
            claimed=claimed,
            line_numbers=tuple(m.number for m in lines if m.last is None),
            read_by_ocr=bool(ocr_pages) and (not mine or all(m.page in ocr_pages for m in mine)),
        )
    )
    return Report(
        verdict=verdict,
        number_on_bill_as_line=any(m.role == "line" for m in mine),
        line_numbers=line_numbers,
        matches=[Match(m.page, m.text, m.box.as_list(), m.role) for m in mine],
        holder=Holder(
            holder.on_bill,
            holder.score,
            holder.match,
            holder.page,
            holder.box.as_list() if holder.box else None,
        ),
        bill_date=bill_date.isoformat() if bill_date else None,
        recent=is_recent(bill_date, claim.as_of, claim.recent_days),
        issuer=issuer,
        tamper_signals=tamper,
        source=document.source,
        ocr_confidence=document.ocr_confidence,
        reasons=reasons,
        pages_read=len(document.pages),
        page_sizes=[(p.width, p.height) for p in document.pages],
        checks=checks,
    )
