"""How often ocr_checks gives the right answer, on two sets of bills:

1. bills drawn by the second, independent bill maker (tests/ocr_checks/billmaker2), scored on
   its held-out slice;
2. `bills-dev`, 47 bills made outside this repository (text PDFs, scans, photos, bad files)
   with a `truth.json` of the answers a careful agent gives. It is read from
   ``../shared/bills-dev`` beside the repository (``--bills-dev DIR`` or the environment
   variable ``SIPDESK_BILLS_DEV`` name another place) and skipped, saying so, where absent.

Run: ``.venv/bin/python bench/accuracy.py [--slice held-out|tuning] [--bills-dev DIR]
[--only billmaker2|bills-dev] [--show-wrong] [--check]``

The held-out slice (fixed seeds from 9000) is never used to tune the reader; its figures say
how the reader does on layouts it was not fitted to. For each kind of case (text PDF, two-page
scan, phone photo, hostile file) the table gives:

- verdicts right: the verdict (or, for a file that cannot be judged, the error kind) matches
  the case's right answer;
- false passes: `pass` where the right answer is not pass (must be zero);
- errors right: of the cases whose right answer is an error (`unreadable`, `too_large`...),
  how many got exactly that error;
- genuine refused: of the genuine bills (right answer pass), how many got `fail` or an error;
- s/bill: wall-clock seconds of `examine()` per case, in this run.

On bills-dev an answer is right when it is the expected verdict or error, or one of the case's
`acceptable_verdicts` / `acceptable_errors` (e.g. pass or review for an unknown issuer).

Targets, on each set: at least 95% of verdicts right, every text-PDF verdict (billmaker2) or
no genuine text PDF refused (bills-dev), every error right, no false pass. ``--check`` exits 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ocr_checks"))

from billmaker2 import KINDS, Case, held_out_cases, tuning_cases  # noqa: E402

from ocr_checks import BillError, Claim, examine, start_reader  # noqa: E402

BILLS_DEV = ROOT.parent / "shared" / "bills-dev"
BILLS_DEV_KINDS = {"text_pdf": "text PDF", "scanned_pdf": "scan", "photo": "photo", "bad": "bad"}


@dataclass(frozen=True)
class Scored:
    """One case to score: the file, the claim, and the answers that count as right."""

    name: str
    kind: str
    data: bytes
    claim: Claim
    expect: str  # a verdict, or "error:KIND"
    acceptable: frozenset[str]  # every answer that counts as right, `expect` included

    @property
    def genuine(self) -> bool:
        return self.expect == "pass"


@dataclass
class Tally:
    cases: int = 0
    right: int = 0
    false_passes: int = 0
    errors_expected: int = 0
    errors_right: int = 0
    genuine: int = 0
    refused: int = 0
    seconds: float = 0.0
    wrong: list[str] = field(default_factory=list)

    def add(self, case: Scored, answer: str, seconds: float) -> None:
        self.cases += 1
        self.seconds += seconds
        ok = answer in case.acceptable
        self.right += ok
        if answer == "pass" and not ok:
            self.false_passes += 1
        if case.expect.startswith("error:"):
            self.errors_expected += 1
            self.errors_right += ok
        if case.genuine:
            self.genuine += 1
            self.refused += answer == "fail" or answer.startswith("error:")
        if not ok:
            self.wrong.append(f"{case.name}: expected {case.expect}, got {answer}")

    def merge(self, other: Tally) -> None:
        for name in ("cases", "right", "false_passes", "errors_expected", "errors_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.genuine += other.genuine
        self.refused += other.refused
        self.seconds += other.seconds
        self.wrong += other.wrong


def billmaker2_cases(cases: list[Case]) -> list[Scored]:
    return [
        Scored(
            c.name,
            c.kind,
            c.data,
            Claim(c.number, c.holder, c.as_of, c.region),
            c.expect,
            frozenset({c.expect}),
        )
        for c in cases
    ]


def bills_dev_cases(folder: Path) -> list[Scored]:
    """The bills-dev set as cases: each file with its query and its right answers."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    cases = []
    for entry in truth:
        query, expected = entry["query"], entry["expected"]
        expect = f"error:{expected['error']}" if expected["error"] else str(expected["verdict"])
        acceptable = {expect}
        acceptable.update(str(v) for v in expected.get("acceptable_verdicts") or () if v)
        acceptable.update(f"error:{e}" for e in expected.get("acceptable_errors") or () if e)
        cases.append(
            Scored(
                entry["file"],
                BILLS_DEV_KINDS.get(entry["kind"], entry["kind"]),
                (folder / entry["file"]).read_bytes(),
                Claim(query["number"], query["holder"], dt.date.fromisoformat(query["as_of"])),
                expect,
                frozenset(acceptable),
            )
        )
    return cases


def answer_for(case: Scored) -> str:
    try:
        return examine(case.data, case.claim).verdict
    except BillError as e:
        return f"error:{e.kind}"


def score(cases: list[Scored], kinds: tuple[str, ...]) -> dict[str, Tally]:
    tallies = {kind: Tally() for kind in kinds}
    for case in cases:
        started = time.perf_counter()
        answer = answer_for(case)
        tallies.setdefault(case.kind, Tally()).add(case, answer, time.perf_counter() - started)
    return tallies


def total_of(tallies: dict[str, Tally]) -> Tally:
    total = Tally()
    for t in tallies.values():
        total.merge(t)
    return total


def table(tallies: dict[str, Tally]) -> str:
    rows = [
        "| kind of case | cases | verdicts right | false passes | genuine refused "
        "| errors right | s/bill |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, t in [*tallies.items(), ("all", total_of(tallies))]:
        if not t.cases:
            continue
        errors = f"{t.errors_right}/{t.errors_expected}" if t.errors_expected else "-"
        refused = f"{t.refused}/{t.genuine}" if t.genuine else "-"
        rows.append(
            f"| {kind} | {t.cases} | {t.right}/{t.cases} ({100 * t.right / t.cases:.0f}%) "
            f"| {t.false_passes} | {refused} | {errors} | {t.seconds / t.cases:.2f} |"
        )
    return "\n".join(rows)


def targets_met(tallies: dict[str, Tally], *, every_text_right: bool) -> bool:
    total = total_of(tallies)
    text = tallies.get("text PDF", Tally())
    text_ok = text.right == text.cases if every_text_right else not text.refused
    return (
        total.right >= 0.95 * total.cases
        and text_ok
        and total.errors_right == total.errors_expected
        and not total.false_passes
    )


def bills_dev_folder(given: Path | None) -> Path:
    if given is not None:
        return given
    env = os.environ.get("SIPDESK_BILLS_DEV")
    return Path(env) if env else BILLS_DEV


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--slice", choices=("held-out", "tuning"), default="held-out")
    parser.add_argument(
        "--bills-dev",
        type=Path,
        default=None,
        help=f"the bills-dev folder (default $SIPDESK_BILLS_DEV, else {BILLS_DEV})",
    )
    parser.add_argument("--only", choices=("billmaker2", "bills-dev"), help="score one set")
    parser.add_argument("--show-wrong", action="store_true", help="list the cases answered wrong")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    start_reader()
    met = True
    if args.only != "bills-dev":
        started = time.perf_counter()
        made = held_out_cases() if args.slice == "held-out" else tuning_cases()
        drawn = time.perf_counter() - started
        tallies = score(billmaker2_cases(made), KINDS)
        print(f"{args.slice} slice of billmaker2: {len(made)} cases (drawn in {drawn:.1f} s)")
        met &= report(tallies, args.show_wrong, every_text_right=True)
    if args.only != "billmaker2":
        folder = bills_dev_folder(args.bills_dev)
        if not (folder / "truth.json").is_file():
            print(f"bills-dev: skipped, no truth.json in {folder}")
        else:
            cases = bills_dev_cases(folder)
            print(f"bills-dev ({folder}): {len(cases)} cases")
            met &= report(
                score(cases, tuple(BILLS_DEV_KINDS.values())),
                args.show_wrong,
                every_text_right=False,
            )
    return 1 if args.check and not met else 0


def report(tallies: dict[str, Tally], show_wrong: bool, *, every_text_right: bool) -> bool:
    print(table(tallies))
    met = targets_met(tallies, every_text_right=every_text_right)
    text_target = (
        "every text-PDF verdict and" if every_text_right else "no genuine text PDF refused, every"
    )
    print(
        f"targets (>= 95% right, {text_target} error right, no false pass): "
        + ("met" if met else "MISSED")
    )
    if show_wrong:
        for line in total_of(tallies).wrong:
            print(f"  wrong: {line}")
    return met


if __name__ == "__main__":
    raise SystemExit(main())
