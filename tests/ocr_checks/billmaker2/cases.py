"""Cases made from seeds: a bill (or a hostile file), the customer's claim, the right answer.

Every case is a pure function of its seed. `tuning_cases()` may be used while writing the
reader; `held_out_cases()` (seeds from 9000) must never be: it is what `bench/accuracy.py`
scores, so its figures say how the reader does on layouts it was not fitted to.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, replace

from . import hostile, paper
from .operators import COMPANIES, DIALLED, GB_LINES, IE_LINES, OPERATORS
from .sheet import DATE_STYLES, LAYOUTS, PAGE_SIZES, BillSpec, draw_bill

AS_OF = dt.date(2026, 12, 1)
KINDS = ("text PDF", "scan", "photo", "hostile file")
HELD_OUT_SEED = 9000
# How many cases of each kind a slice holds (OCR is slow: scans and photos are few).
HELD_OUT_PLAN = {"text PDF": 60, "scan": 8, "photo": 8, "hostile file": 8}
TUNING_PLAN = {"text PDF": 40, "scan": 8, "photo": 8, "hostile file": 8}

ADDRESSES = {
    "IE": (
        ("Unit 7, Sandyford Business Park", "Dublin 18", "D18 K2X4"),
        ("12 Main Street", "Ennis, Co. Clare", "V95 T2F8"),
        ("The Courtyard, Mill Road", "Midleton, Co. Cork", "P25 H6W1"),
    ),
    "GB": (
        ("14 Wellington Road", "Leeds", "LS1 4AP"),
        ("Flat 3, 27 Clifton Street", "Bristol", "BS8 1EF"),
        ("Suite 2, 9 Park Place", "Cardiff", "CF10 3DP"),
    ),
}
TEXT_SCENARIOS = (
    "genuine", "genuine", "genuine", "genuine", "digit_off", "other_holder", "part_holder",
    "old", "dialled_only", "hidden_over", "javascript", "embedded",
)  # fmt: skip
HOSTILE = ("zero_byte", "bomb", "locked", "damaged_png", "word_file", "too_many_pages")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # one of KINDS
    scenario: str
    data: bytes
    number: str  # the claim
    holder: str
    region: str
    expect: str  # "pass", "review", "fail" or "error:<kind>"
    as_of: dt.date = AS_OF


def held_out_cases() -> list[Case]:
    """The scored slice: never look at these while tuning the reader."""
    return _slice(HELD_OUT_SEED, HELD_OUT_PLAN)


def tuning_cases() -> list[Case]:
    return _slice(100, TUNING_PLAN)


def _slice(first_seed: int, plan: dict[str, int]) -> list[Case]:
    cases = []
    seed = first_seed
    for kind, count in plan.items():
        for i in range(count):
            cases.append(make_case(seed, kind, i))
            seed += 1
    return cases


def make_case(seed: int, kind: str, index: int = 0) -> Case:
    """The case for `seed` of `kind` (`index` spreads scenarios evenly over a slice)."""
    rng = random.Random(seed)
    if kind == "hostile file":
        return _hostile(rng, seed, HOSTILE[index % len(HOSTILE)])
    if kind == "text PDF":
        scenario = TEXT_SCENARIOS[index % len(TEXT_SCENARIOS)]
        if index == 1:
            scenario = "fifty_pages"
    else:
        scenario = ("genuine", "other_holder", "genuine", "digit_off", "genuine")[index % 5]
    spec, claim_number, claim_holder, region, expect = _bill(rng, scenario)
    if kind == "scan":
        spec = replace(spec, call_pages=1)  # scanned over two pages: the calls on the second
    pdf = draw_bill(spec)
    data = pdf
    if scenario == "javascript":
        data = hostile.with_javascript(pdf, open_action=rng.random() < 0.5)
    elif scenario == "embedded":
        data = hostile.with_attachment(pdf)
    if kind == "scan":
        data = paper.scan(pdf, rng)
    elif kind == "photo":
        data = paper.photo(pdf, rng)
    name = f"{seed}-{kind.split()[0]}-{scenario}-{spec.operator.brand}-{spec.layout}"
    return Case(name, kind, scenario, data, claim_number, claim_holder, region, expect)


def _bill(rng: random.Random, scenario: str) -> tuple[BillSpec, str, str, str, str]:
    op = rng.choice(OPERATORS)
    line = rng.choice(IE_LINES if op.region == "IE" else GB_LINES)
    holder = rng.choice(COMPANIES)
    on_bill_holder = holder
    if rng.random() < 0.3:
        on_bill_holder = holder.upper()
    elif rng.random() < 0.2:
        on_bill_holder = holder.replace(" Limited", " Ltd").replace(" Ltd", " Limited")
    issue = AS_OF - dt.timedelta(days=rng.randint(5, 70))
    spec = BillSpec(
        operator=op,
        holder=on_bill_holder,
        address=rng.choice(ADDRESSES[op.region]),
        line=line,
        issue=issue,
        layout=rng.choice(LAYOUTS),
        font=rng.choice(("Helvetica", "Times-Roman", "Courier")),
        page_size=rng.choice(tuple(PAGE_SIZES)),
        date_style=rng.choice(DATE_STYLES),
        line_label=rng.choice(op.line_labels),
        date_label=rng.choice(op.date_labels),
        period_label=rng.choice(op.period_labels),
        account_label=rng.choice(op.account_labels),
        holder_right=rng.random() < 0.3,
        bill_to_label=rng.random() < 0.3,
        calls=tuple((n, f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}") for n in DIALLED[:4]),
        calls_heading=rng.choice(("Itemised calls", "Call details", "Your calls", None)),
        label_style=rng.choice(("colon", "colon", "bare", "dots")),
        holder_in_facts=rng.random() < 0.2,
        tight_table=rng.random() < 0.4,
        stack_gap=rng.choice((22.0, 30.0, 36.0)),
        return_address=rng.random() < 0.3,
        due_date=rng.random() < 0.3,
        trading_as=rng.choice((None, None, None, None, "Smile Clinic", "Harbour Pets")),
    )
    if spec.page_size == "A5" and spec.layout == "header_table":
        spec = replace(spec, page_size="A4")  # three columns of dates do not fit across A5
    region = "GB" if op.region == "GB" and rng.random() < 0.5 else "IE"
    claimed = _claim_spelling(rng, line, region)
    claimed_holder = holder
    expect = "pass"
    if scenario == "digit_off":
        spec = replace(spec, line=_digit_off(line))
        expect = "fail"
    elif scenario == "other_holder":
        spec = replace(spec, holder=rng.choice([c for c in COMPANIES if c != holder]))
        expect = "fail"
    elif scenario == "part_holder":
        company = rng.choice([c for c in COMPANIES[:7] if len(c.split()) >= 4])
        words = company.split()
        if rng.random() < 0.5:
            spec, claimed_holder = replace(spec, holder=" ".join(words[1:])), company
        else:
            spec, claimed_holder = replace(spec, holder=company), f"{words[0]} {words[-1]}"
        expect = "review"
    elif scenario == "old":
        spec = replace(spec, issue=AS_OF - dt.timedelta(days=rng.randint(150, 320)))
        expect = "fail"
    elif scenario == "dialled_only":
        other = rng.choice([n for n in (IE_LINES if op.region == "IE" else GB_LINES) if n != line])
        spec = replace(spec, line=other, calls=((line, "10:42"), *spec.calls))
        expect = "fail"
    elif scenario == "hidden_over":
        spec = replace(spec, hidden_over=_digit_off(_digit_off(line)))
        expect = "review"
    elif scenario in ("javascript", "embedded"):
        expect = "review"
    elif scenario == "fifty_pages":
        spec = replace(spec, call_pages=49, calls=spec.calls * 8)
    return spec, claimed, claimed_holder, region, expect


def _claim_spelling(rng: random.Random, line: str, region: str) -> str:
    """How the customer types the number: as printed, international, or bare digits."""
    import phonenumbers

    parsed = phonenumbers.parse(line, "IE" if not _is_gb(line) else "GB")
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    home = "GB" if _is_gb(line) else "IE"
    if region != home:
        return international  # a national spelling would not parse in the claim's region
    return rng.choice((line, international, re.sub(r"[^\d+]", "", international)))


def _is_gb(line: str) -> bool:
    return line in GB_LINES


def _digit_off(line: str) -> str:
    last = max(i for i, ch in enumerate(line) if ch.isdigit())
    return line[:last] + str((int(line[last]) + 3) % 10) + line[last + 1 :]


def _hostile(rng: random.Random, seed: int, scenario: str) -> Case:
    op = rng.choice(OPERATORS)
    line = rng.choice(IE_LINES if op.region == "IE" else GB_LINES)
    claimed = _claim_spelling(rng, line, "IE" if op.region == "IE" else "GB")
    region = "GB" if op.region == "GB" else "IE"
    holder = rng.choice(COMPANIES)
    spec = BillSpec(
        op, holder, ADDRESSES[op.region][0], line, AS_OF - dt.timedelta(days=20),
        line_label=op.line_labels[0], date_label=op.date_labels[0],
    )  # fmt: skip
    if scenario == "zero_byte":
        data, expect = b"", "error:unreadable"
    elif scenario == "bomb":
        data, expect = hostile.bomb(rng.choice((600, 900)) * 1024 * 1024), "error:too_large"
    elif scenario == "locked":
        data, expect = hostile.locked(draw_bill(spec)), "error:encrypted"
    elif scenario == "damaged_png":
        data, expect = hostile.damaged_png(), "error:unreadable"
    elif scenario == "word_file":
        data, expect = b"PK\x03\x04\x14\x00\x06\x00" + bytes(300), "error:unsupported"
    else:
        data = draw_bill(replace(spec, call_pages=60, calls=spec.calls))
        expect = "error:too_many_pages"
    name = f"{seed}-hostile-{scenario}"
    return Case(name, "hostile file", scenario, data, claimed, holder, region, expect)
