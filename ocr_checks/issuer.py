"""Which telco issued the bill, from the bill's own words (never from a number's carrier:
carrier data names the original network and is wrong once a number has been ported).

The documented list: operators that issue fixed or mobile bills in Ireland (IE) and the United
Kingdom (GB), each with the names and registered company names that appear on their bills.
A name in the page header or a registered name in the small print counts more than a mention
elsewhere (a bill may list "calls to Vodafone mobiles").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr_checks.document import Document
from ocr_checks.layout import page_lines

HEADER_FRACTION = 0.2


@dataclass(frozen=True)
class Issuer:
    name: str
    region: str
    patterns: tuple[str, ...]  # case-insensitive regexes, whole words
    registered: tuple[str, ...] = ()  # registered company names: strong evidence anywhere


ISSUERS: tuple[Issuer, ...] = (
    # Ireland
    Issuer("eir", "IE", (r"eir", r"eircom", r"eir business"), (r"eircom limited",)),
    Issuer("Vodafone Ireland", "IE", (r"vodafone ireland",), (r"vodafone ireland limited",)),
    Issuer(
        "Three Ireland", "IE", (r"three ireland", r"3 ireland"), (r"three ireland \(hutchison\)",)
    ),
    Issuer(
        "Virgin Media Ireland", "IE", (r"virgin media ireland",), (r"virgin media ireland limited",)
    ),
    Issuer("Sky Ireland", "IE", (r"sky ireland",), (r"sky ireland limited",)),
    Issuer("Pure Telecom", "IE", (r"pure telecom",)),
    Issuer("Digiweb", "IE", (r"digiweb",)),
    Issuer("Imagine", "IE", (r"imagine communications", r"imagine broadband")),
    Issuer("BT Ireland", "IE", (r"bt ireland", r"bt communications ireland")),
    Issuer("Magnet Plus", "IE", (r"magnet plus", r"magnet networks")),
    Issuer("Blueface", "IE", (r"blueface",)),
    Issuer("Tesco Mobile Ireland", "IE", (r"tesco mobile ireland",)),
    Issuer("GoMo", "IE", (r"gomo",)),
    Issuer("48", "IE", (r"48\.ie",)),
    Issuer("An Post Mobile", "IE", (r"an post mobile",)),
    Issuer("Lycamobile", "IE", (r"lycamobile",)),
    # United Kingdom
    Issuer("BT", "GB", (r"bt", r"bt business"), (r"british telecommunications plc",)),
    Issuer("EE", "GB", (r"ee",), (r"ee limited",)),
    Issuer("Vodafone UK", "GB", (r"vodafone uk", r"vodafone"), (r"vodafone limited",)),
    Issuer("O2", "GB", (r"o2", r"virgin media o2"), (r"telef[oó]nica uk limited",)),
    Issuer("Three UK", "GB", (r"three uk", r"three"), (r"hutchison 3g uk limited",)),
    Issuer("Virgin Media", "GB", (r"virgin media",), (r"virgin media limited",)),
    Issuer("Sky UK", "GB", (r"sky", r"sky talk", r"sky mobile"), (r"sky uk limited",)),
    Issuer("TalkTalk", "GB", (r"talktalk",), (r"talktalk telecom limited",)),
    Issuer("Plusnet", "GB", (r"plusnet",)),
    Issuer("KCOM", "GB", (r"kcom",)),
    Issuer("Hyperoptic", "GB", (r"hyperoptic",)),
    Issuer("Zen Internet", "GB", (r"zen internet",)),
    Issuer("giffgaff", "GB", (r"giffgaff",)),
    Issuer("Tesco Mobile", "GB", (r"tesco mobile",)),
    Issuer("Gamma", "GB", (r"gamma telecom", r"gamma communications")),
)
# Short names that are also ordinary words count only in the header, as the brand.
_HEADER_ONLY = {"eir", "bt", "ee", "o2", "three", "sky", "vodafone"}

_COMPILED = [
    (
        issuer,
        [re.compile(rf"(?<![\w.]){p}(?![\w])", re.I) for p in issuer.patterns],
        [re.compile(rf"(?<![\w.]){p}(?![\w])", re.I) for p in issuer.registered],
        [p in _HEADER_ONLY for p in issuer.patterns],
    )
    for issuer in ISSUERS
]

# One pass over each segment finds whether any operator is named there at all.
_ANY = re.compile(
    "|".join(
        rf"(?<![\w.]){p}(?![\w])" for issuer in ISSUERS for p in issuer.patterns + issuer.registered
    ),
    re.I,
)


def find_issuer(document: Document, region: str | None = None) -> str | None:
    """The issuing telco's name from the documented list, or None.

    Where two operators share a brand (Vodafone, Sky, Three, BT in Ireland and the UK), the
    customer's `region` picks the one that bills there.
    """
    if not document.pages:
        return None
    page = document.pages[0]
    scores: dict[str, float] = {}
    for line in page_lines(page):
        for seg in line:
            if not _ANY.search(seg.text):
                continue
            header = seg.box.top < page.height * HEADER_FRACTION
            for issuer, patterns, registered, header_only in _COMPILED:
                points = 0.0
                if any(p.search(seg.text) for p in registered):
                    points = 3.0
                for p, only_header in zip(patterns, header_only, strict=True):
                    if p.search(seg.text) and (header or not only_header):
                        points = max(points, 3.0 if header else 1.0)
                if points:
                    if region and issuer.region == region:
                        points += 0.5
                    scores[issuer.name] = scores.get(issuer.name, 0.0) + points
    if not scores:
        return None
    return max(scores.items(), key=lambda kv: kv[1])[0]


def names_issuer(text: str, name: str | None) -> bool:
    """The text names the issuer `name` (its brand or registered name): the operator's own
    block ("Vodafone Ireland Limited, Mountain View, …"), never the customer's."""
    for issuer, patterns, registered, _ in _COMPILED:
        if issuer.name == name:
            return any(p.search(text) for p in (*patterns, *registered))
    return False


def issuer_region(name: str | None) -> str | None:
    """The region (IE, GB) the named issuer bills in: national numbers on its bills are its."""
    return next((i.region for i in ISSUERS if i.name == name), None)
