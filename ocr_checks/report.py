"""The judgement of one bill: what was found, the verdict and the reasons, as the JSON contract
of `sipdesk check-bill --json` and as a report a person reads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from ocr_checks.document import Source, TamperSignal
from ocr_checks.numbers import Role

Verdict = Literal["pass", "review", "fail"]
Outcome = Literal["ok", "review", "fail"]
CheckName = Literal["number", "holder", "date", "tamper"]


@dataclass(frozen=True)
class Check:
    """One check of the bill: what it found (`says`), its outcome, and how sure it is.

    `confidence` runs from 0 (a guess) to 1 (read where a bill puts it, from a text layer);
    `unsure_because` says, when it is below 1, what makes it less sure.
    """

    name: CheckName
    outcome: Outcome
    says: str
    confidence: float = 1.0
    unsure_because: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "says": self.says,
            "confidence": self.confidence,
            "unsure_because": self.unsure_because,
        }


@dataclass(frozen=True)
class Match:
    """Where the claimed number appears on the bill and what it is there for."""

    page: int
    text: str
    bbox: list[float]  # x0, top, x1, bottom in PDF points, origin top-left
    role: Role


@dataclass(frozen=True)
class Holder:
    """The name found on the bill, its score (0..100) and whether it matches the claim."""

    on_bill: str | None
    score: float
    match: bool
    page: int | None = None  # where the name is, for the highlight (not in the JSON)
    bbox: list[float] | None = None


@dataclass
class Report:
    """Everything `examine()` concluded about one bill."""

    verdict: Verdict
    number_on_bill_as_line: bool
    line_numbers: list[str]
    matches: list[Match]
    holder: Holder
    bill_date: str | None
    recent: bool
    issuer: str | None
    tamper_signals: list[TamperSignal]
    source: Source
    ocr_confidence: float | None
    reasons: list[str]
    pages_read: int
    elapsed_ms: int = 0
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # for the highlight
    checks: list[Check] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract, field for field."""
        return {
            "verdict": self.verdict,
            "number_on_bill_as_line": self.number_on_bill_as_line,
            "line_numbers": list(self.line_numbers),
            "matches": [
                {"page": m.page, "text": m.text, "bbox": list(m.bbox), "role": m.role}
                for m in self.matches
            ],
            "holder": {
                "on_bill": self.holder.on_bill,
                "score": self.holder.score,
                "match": self.holder.match,
            },
            "bill_date": self.bill_date,
            "recent": self.recent,
            "issuer": self.issuer,
            "tamper_signals": [{"kind": s.kind, "detail": s.detail} for s in self.tamper_signals],
            "source": self.source,
            "ocr_confidence": self.ocr_confidence,
            "reasons": list(self.reasons),
            "pages_read": self.pages_read,
            "elapsed_ms": self.elapsed_ms,
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_json(self) -> str:
        """One JSON object (the `--json` output)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def to_text(self) -> str:
        """The same facts as a short report for a person."""
        yes = {True: "yes", False: "no"}
        lines = [
            f"Verdict: {self.verdict.upper()}",
            f"Number billed as a line on this bill: {yes[self.number_on_bill_as_line]}",
            f"Line numbers on the bill: {', '.join(self.line_numbers) or 'none found'}",
        ]
        for m in self.matches:
            lines.append(f"  page {m.page}: {m.text!r} as {m.role} at {m.bbox}")
        found = self.holder.on_bill or "not found"
        lines.append(
            f"Holder on bill: {found} (score {self.holder.score:g}, "
            f"{'matches' if self.holder.match else 'does not match'})"
        )
        lines.append(f"Bill date: {self.bill_date or 'not found'} (recent: {yes[self.recent]})")
        lines.append(f"Issuer: {self.issuer or 'not recognised'}")
        if self.tamper_signals:
            lines.append("Tamper signals:")
            lines += [f"  {s.kind}: {s.detail}" for s in self.tamper_signals]
        else:
            lines.append("Tamper signals: none")
        read = f"Read from: {self.source}, {self.pages_read} page(s), {self.elapsed_ms} ms"
        if self.ocr_confidence is not None:
            read += f", OCR confidence {self.ocr_confidence:g}"
        lines.append(read)
        lines.append("Reasons:")
        lines += [f"  - {r}" for r in self.reasons]
        unsure = [c for c in self.checks if c.unsure_because]
        if unsure:
            lines.append("Less sure:")
            lines += [
                f"  - {c.name} (confidence {c.confidence:g}): {c.unsure_because}" for c in unsure
            ]
        return "\n".join(lines)
