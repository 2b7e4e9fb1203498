"""The verdict a careful support agent would give, with the reasons in sentences.

pass   = the number is billed as a line, the holder matches, the bill is recent, no tamper sign.
fail   = the number is not billed on this bill (absent, a digit off, or only dialled), the holder
         is clearly someone else, or the bill is not recent (too old, or dated in the future).
review = anything else: the number appears but not clearly as the line, a name or date that
         cannot be read or only nearly matches, any tamper signal, an unsure scan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ocr_checks.document import TamperSignal
from ocr_checks.holder import HolderCheck
from ocr_checks.numbers import NumberMatch
from ocr_checks.report import Verdict

# Below this mean OCR confidence an absent number may be a misread, not an absence.
LOW_OCR_CONFIDENCE = 60.0


@dataclass(frozen=True)
class Findings:
    claimed_number: str
    claimed_holder: str
    matches: list[NumberMatch]  # occurrences of the claimed number
    holder: HolderCheck
    bill_date: dt.date | None
    as_of: dt.date
    recent_days: int
    tamper: list[TamperSignal]
    ocr_confidence: float | None


def decide(f: Findings) -> tuple[Verdict, list[str]]:
    """The verdict and the reasons for it, worst first."""
    fails: list[str] = []
    reviews: list[str] = []
    oks: list[str] = []
    unsure_scan = f.ocr_confidence is not None and f.ocr_confidence < LOW_OCR_CONFIDENCE

    roles = {m.role for m in f.matches}
    if "line" in roles:
        oks.append(f"{f.claimed_number} is billed on this bill as the customer's line.")
    elif "other" in roles:
        reviews.append(
            f"{f.claimed_number} appears on the bill, but not clearly as the line billed."
        )
    elif "dialled" in roles:
        fails.append(
            f"{f.claimed_number} appears only as a number called in the itemised calls, "
            "not as the line this bill is for."
        )
    elif any(s.kind == "cover_up" for s in f.tamper):
        # Overdrawn text interleaves in the text layer, so the number may be there unreadable.
        reviews.append(
            f"{f.claimed_number} was not read, but text on the bill was drawn over other text; "
            "please check by eye."
        )
    elif unsure_scan:
        reviews.append(
            f"{f.claimed_number} was not found, but the scan is hard to read "
            f"(OCR confidence {f.ocr_confidence:g}); please check by eye."
        )
    else:
        fails.append(f"{f.claimed_number} is not on this bill.")

    h = f.holder
    if h.verdict == "match":
        oks.append(f"The bill is in the name of {h.on_bill} (score {h.score:g}).")
    elif h.verdict == "different":
        fails.append(
            f"The bill is in the name of {h.on_bill}, not {f.claimed_holder} (score {h.score:g})."
        )
    elif h.verdict == "review":
        reviews.append(
            f"The name on the bill, {h.on_bill}, only partly matches {f.claimed_holder} "
            f"(score {h.score:g})."
        )
    else:
        reviews.append(f"The name {f.claimed_holder} was not found on the bill.")

    if f.bill_date is None:
        reviews.append("No issue date could be read from the bill.")
    elif f.bill_date > f.as_of:
        fails.append(f"The bill is dated {f.bill_date.isoformat()}, in the future.")
    elif f.as_of - f.bill_date > dt.timedelta(days=f.recent_days):
        age = (f.as_of - f.bill_date).days
        fails.append(
            f"The bill is dated {f.bill_date.isoformat()}, {age} days ago; "
            f"it must be from the last {f.recent_days} days."
        )
    else:
        oks.append(f"The bill is dated {f.bill_date.isoformat()}, within {f.recent_days} days.")

    for s in f.tamper:
        reviews.append(f"Possible tampering ({s.kind}): {s.detail}")

    verdict: Verdict = "fail" if fails else ("review" if reviews else "pass")
    return verdict, fails + reviews + oks
