"""How Irish and UK operators word their bills: brand, registered name, currency, labels.

Written from how such bills read, independently of the first bill maker: each operator prints
its own words for the line, the issue date and the period, and the generator picks among them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operator:
    brand: str  # as printed large in the header
    registered: str  # the small print
    region: str  # IE or GB
    line_labels: tuple[str, ...]
    date_labels: tuple[str, ...]
    period_labels: tuple[str, ...] = ("Billing period", "Bill period", "Period")
    account_labels: tuple[str, ...] = ("Account number", "Account No.")

    @property
    def currency(self) -> str:
        return "€" if self.region == "IE" else "£"


OPERATORS: tuple[Operator, ...] = (
    Operator(
        "eir",
        "eircom Limited, 2022 Bianconi Avenue, Dublin 24. Registered in Ireland No. 98789",
        "IE",
        ("Your phone number", "Phone No.", "Telephone number"),
        ("Bill date", "Date of issue"),
    ),
    Operator(
        "Vodafone",
        "Vodafone Ireland Limited, Mountain View, Leopardstown, Dublin 18",
        "IE",
        ("Mobile number", "Your number", "Service number"),
        ("Bill date", "Invoice date"),
        ("Bill period", "Charges for"),
    ),
    Operator(
        "Three",
        "Three Ireland (Hutchison) Limited, 28/29 Sir John Rogerson's Quay, Dublin 2",
        "IE",
        ("Mobile number", "Number(s) on this bill"),
        ("Date of issue", "Bill date"),
    ),
    Operator(
        "Virgin Media",
        "Virgin Media Ireland Limited, Building P2, Eastpoint Business Park, Dublin 3",
        "IE",
        ("Phone number", "Home phone number"),
        ("Bill date",),
    ),
    Operator(
        "Sky",
        "Sky Ireland Limited, Burlington Road, Dublin 4",
        "IE",
        ("Your Sky Talk number", "Phone number"),
        ("Statement date", "Bill date"),
    ),
    Operator(
        "Pure Telecom",
        "Pure Telecom Limited, Registered in Ireland",
        "IE",
        ("Telephone number", "Service number"),
        ("Invoice Date", "Date of invoice"),
        ("Invoice period", "Billing period"),
        ("Customer account", "Account number"),
    ),
    Operator(
        "Digiweb",
        "Digiweb Limited, Digiweb House, Dundalk, Co. Louth",
        "IE",
        ("Phone No.", "Service number"),
        ("Invoice Date",),
        ("Service period", "Billing period"),
    ),
    Operator(
        "Imagine",
        "Imagine Communications Ireland Limited, Dublin",
        "IE",
        ("Telephone number", "Your line"),
        ("Invoice date", "Date"),
    ),
    Operator(
        "BT",
        "British Telecommunications plc, 1 Braham Street, London E1 8EE. Registered in England",
        "GB",
        ("Your phone number", "Phone number", "Telephone number"),
        ("Date of bill", "Bill date"),
    ),
    Operator(
        "Virgin Media",
        "Virgin Media Limited, 500 Brook Drive, Reading RG2 6UU",
        "GB",
        ("Home phone number", "Phone number"),
        ("Bill date",),
    ),
    Operator(
        "Sky",
        "Sky UK Limited, Grant Way, Isleworth TW7 5QD",
        "GB",
        ("Sky Talk number", "Phone line"),
        ("Statement date",),
    ),
    Operator(
        "TalkTalk",
        "TalkTalk Telecom Limited, Soapworks, Salford M5 3TT",
        "GB",
        ("Your number", "Landline number"),
        ("Bill date", "Invoice date"),
    ),
    Operator(
        "EE",
        "EE Limited, Trident Place, Hatfield AL10 9BW",
        "GB",
        ("Mobile number", "Phone number"),
        ("Bill date",),
    ),
    Operator(
        "O2",
        "Telefónica UK Limited, 20 Air Street, London W1B 5AN",
        "GB",
        ("Your O2 number", "Mobile number"),
        ("Bill date", "Date of bill"),
    ),
    Operator(
        "Vodafone",
        "Vodafone Limited, Vodafone House, The Connection, Newbury RG14 2FN",
        "GB",
        ("Mobile number", "Your number"),
        ("Invoice date", "Bill date"),
    ),
    Operator(
        "Three",
        "Hutchison 3G UK Limited, 450 Longwater Avenue, Reading RG2 6GF",
        "GB",
        ("Mobile number", "Number(s) on this bill"),
        ("Bill date",),
    ),
    Operator(
        "Plusnet",
        "Plusnet plc, The Balance, 2 Pinfold Street, Sheffield S1 2GU",
        "GB",
        ("Phone number", "Your line"),
        ("Bill date", "Invoice date"),
    ),
)

# Holders and the part of each name a half-matching bill shows.
COMPANIES: tuple[str, ...] = (
    "Globex Dental Care Limited",
    "Harbour View Veterinary Clinic Ltd",
    "Northwind Freight Logistics Ltd",
    "Kestrel Accounting Services LLP",
    "Brennan Family Pharmacy Ltd",
    "Lakeside Physiotherapy Clinic DAC",
    "Copperleaf Design Studio Ltd",
    "Seán Ó Briain",
    "Dr Aoife Kavanagh",
    "Mary-Kate O'Neill",
    "Thomas Wetherby",
    "Priya Ramanathan",
)

IE_LINES: tuple[str, ...] = (
    "(01) 872 3456",
    "01 4960 721",
    "021 456 7890",
    "+353 1 677 4410",
    "087 123 4567",
    "085 765 4321",
    "(091) 524 611",
    "061 234 567",
)
GB_LINES: tuple[str, ...] = (
    "020 7946 0958",
    "0113 496 0123",
    "0117 496 0456",
    "0121 496 0789",
    "0161 496 0321",
    "029 2018 0345",
    "+44 131 496 0111",
    "07911 123456",
    "07812 345678",
)
DIALLED: tuple[str, ...] = (
    "021 490 1234",
    "087 765 4300",
    "01 905 3377",
    "020 7946 0011",
    "0161 496 0777",
    "07403 555123",
)
