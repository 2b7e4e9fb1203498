"""The verdict a careful support agent would give, with the reasons in sentences.

pass   = the number is billed as a line, the holder matches, the bill is recent, no tamper sign.
fail   = only for what the page positively shows: the number absent from a page read well, a
         digit off, only dialled, or the operator's own number (care, sales, fax); a different
         holder read from the addressee; an issue date too old or in the future.
review = anything unsure: the number appears but not clearly as the line, a name or date that
         cannot be read, was not read where a bill puts it, or only nearly matches, any tamper
         signal, an unsure scan.

Each check carries how sure it is (`Check.confidence`, 0..1, and the reason when unsure): the
staff card marks an unsure check so staff know where to look.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import phonenumbers

from ocr_checks.bill_date import FoundDate
from ocr_checks.document import TamperSignal
from ocr_checks.holder import HolderCheck
from ocr_checks.numbers import NumberMatch
from ocr_checks.report import Check, Outcome, Verdict

# Below this mean OCR confidence an absent number may be a misread, not an absence.
LOW_OCR_CONFIDENCE = 60.0
# Below this a line one digit off the claim may be OCR's misread of the claimed number.
MISREAD_OCR_CONFIDENCE = 80.0
# A check this sure or more is shown as sure; below it the card marks it ⚠️ with the reason.
SURE = 0.8


@dataclass(frozen=True)
class Findings:
    claimed_number: str
    claimed_holder: str
    matches: list[NumberMatch]  # occurrences of the claimed number (or ranges holding it)
    holder: HolderCheck
    bill_date: FoundDate | None
    as_of: dt.date
    recent_days: int
    tamper: list[TamperSignal]
    ocr_confidence: float | None
    claimed: phonenumbers.PhoneNumber | None = None
    line_numbers: tuple[phonenumbers.PhoneNumber, ...] = ()  # every line billed on the bill
    read_by_ocr: bool = False  # the number's page(s) were read by OCR


def decide(f: Findings) -> tuple[Verdict, list[str], list[Check]]:
    """The verdict, the reasons for it (worst first) and the checks with their confidence."""
    checks = [_number(f), _holder(f), _date(f), *_tamper(f)]
    fails = [c.says for c in checks if c.outcome == "fail"]
    reviews = [c.says for c in checks if c.outcome == "review"]
    oks = [c.says for c in checks if c.outcome == "ok"]
    verdict: Verdict = "fail" if fails else ("review" if reviews else "pass")
    return verdict, fails + reviews + oks, checks


def _number(f: Findings) -> Check:
    n = f.claimed_number
    roles = {m.role for m in f.matches}
    unsure_scan = f.ocr_confidence is not None and f.ocr_confidence < LOW_OCR_CONFIDENCE
    lines = [m for m in f.matches if m.role == "line"]
    if lines:
        ranged = [m for m in lines if m.last is not None and m.number != f.claimed]
        if ranged and len(ranged) == len(lines):
            says = f"{n} is inside the number range {ranged[0].text} billed on this bill."
            return Check("number", "ok", says, 0.85)
        if f.read_by_ocr:
            return Check("number", "ok", f"{n} is billed on this bill as the customer's line.", 0.9)
        return Check("number", "ok", f"{n} is billed on this bill as the customer's line.")
    if "operator" in roles:
        return Check(
            "number",
            "fail",
            f"{n} is the operator's own number on this bill (customer care, sales, fax or "
            "from abroad), not a line billed to the customer.",
        )
    if "other" in roles:
        return Check(
            "number",
            "review",
            f"{n} appears on the bill, but not clearly as the line billed.",
            0.5,
            "the number is not labelled as the line billed",
        )
    if "dialled" in roles:
        return Check(
            "number",
            "fail",
            f"{n} appears only as a number called in the itemised calls, "
            "not as the line this bill is for.",
        )
    if any(s.kind == "cover_up" for s in f.tamper):
        # Overdrawn text interleaves in the text layer, so the number may be there unreadable.
        return Check(
            "number",
            "review",
            f"{n} was not read, but text on the bill was drawn over other text; "
            "please check by eye.",
            0.3,
            "text on the bill was drawn over other text",
        )
    if unsure_scan:
        return Check(
            "number",
            "review",
            f"{n} was not found, but the scan is hard to read "
            f"(OCR confidence {f.ocr_confidence:g}); please check by eye.",
            0.3,
            "the scan is hard to read",
        )
    near = _one_digit_off(f)
    misread = f.ocr_confidence is not None and f.ocr_confidence < MISREAD_OCR_CONFIDENCE
    if near is not None and f.read_by_ocr and misread:
        return Check(
            "number",
            "review",
            f"{n} was not found, but the scan shows the line {near}, one digit different; "
            "OCR may have misread it, please check by eye.",
            0.4,
            "a line one digit different was read by OCR",
        )
    if near is not None:
        return Check("number", "fail", f"{n} is not on this bill; the line billed is {near}.")
    return Check("number", "fail", f"{n} is not on this bill.", 0.85 if f.read_by_ocr else 1.0)


def _one_digit_off(f: Findings) -> str | None:
    if f.claimed is None:
        return None
    mine = phonenumbers.national_significant_number(f.claimed)
    for line in f.line_numbers:
        theirs = phonenumbers.national_significant_number(line)
        if (
            line.country_code == f.claimed.country_code
            and len(theirs) == len(mine)
            and sum(a != b for a, b in zip(theirs, mine, strict=True)) == 1
        ):
            return phonenumbers.format_number(line, phonenumbers.PhoneNumberFormat.E164)
    return None


def _holder(f: Findings) -> Check:
    h = f.holder
    unsure = h.unsure_because
    if h.verdict == "match":
        says = f"The bill is in the name of {h.on_bill} (score {h.score:g})."
        return Check("holder", "ok", says, 1.0 if h.sure else 0.6, unsure)
    if h.verdict == "different" and h.sure:
        return Check(
            "holder",
            "fail",
            f"The bill is in the name of {h.on_bill}, not {f.claimed_holder} (score {h.score:g}).",
        )
    if h.verdict in ("different", "review"):
        return Check(
            "holder",
            "review",
            f"The name on the bill, {h.on_bill}, does not clearly match {f.claimed_holder} "
            f"(score {h.score:g}).",
            0.5,
            unsure or "the name only partly matches",
        )
    return Check(
        "holder",
        "review",
        f"The name {f.claimed_holder} was not found on the bill.",
        0.3,
        unsure or "no name was found",
    )


def _date(f: Findings) -> Check:
    found = f.bill_date
    if found is None:
        return Check("date", "review", "No issue date could be read from the bill.", 0.3, "no date")
    day = found.when.isoformat()
    sure, why = {
        "labelled": (1.0, None),
        "lone": (0.7, "the date is not labelled as the bill's date"),
        "period_end": (0.85, "the bill gives only its billing period; its end was taken"),
    }[found.how]
    if found.when > f.as_of:
        outcome: Outcome = "fail" if found.labelled else "review"
        return Check("date", outcome, f"The bill is dated {day}, in the future.", sure, why)
    if f.as_of - found.when > dt.timedelta(days=f.recent_days):
        age = (f.as_of - found.when).days
        outcome = "fail" if sure >= SURE else "review"
        says = (
            f"The bill is dated {day}, {age} days ago; it must be from the last "
            f"{f.recent_days} days."
        )
        return Check("date", outcome, says, sure, why)
    return Check("date", "ok", f"The bill is dated {day}, within {f.recent_days} days.", sure, why)


def _tamper(f: Findings) -> list[Check]:
    return [
        Check("tamper", "review", f"Possible tampering ({s.kind}): {s.detail}", 0.5, s.kind)
        for s in f.tamper
    ]
