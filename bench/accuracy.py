"""How often ocr_checks gives the right answer on bills drawn by the second, independent bill
maker (tests/ocr_checks/billmaker2), scored on its held-out slice.

Run: ``.venv/bin/python bench/accuracy.py [--slice held-out|tuning] [--show-wrong] [--check]``

The held-out slice (fixed seeds from 9000) is never used to tune the reader; its figures say
how the reader does on layouts it was not fitted to. For each kind of case (text PDF, two-page
scan, phone photo, hostile file) the table gives:

- verdicts right: the verdict (or, for a file that cannot be judged, the error kind) matches
  the case's right answer;
- false passes: `pass` where the right answer is not pass (must be zero);
- errors right: of the cases whose right answer is an error (`unreadable`, `too_large`...),
  how many got exactly that error;
- s/bill: wall-clock seconds of `examine()` per case, in this run.

Targets: at least 95% of verdicts right overall, every text-PDF verdict and every error right,
no false pass. ``--check`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ocr_checks"))

from billmaker2 import KINDS, Case, held_out_cases, tuning_cases  # noqa: E402

from ocr_checks import BillError, Claim, examine, start_reader  # noqa: E402


@dataclass
class Tally:
    cases: int = 0
    right: int = 0
    false_passes: int = 0
    errors_expected: int = 0
    errors_right: int = 0
    seconds: float = 0.0
    wrong: list[str] = field(default_factory=list)

    def add(self, case: Case, answer: str, seconds: float) -> None:
        self.cases += 1
        self.seconds += seconds
        ok = answer == case.expect
        self.right += ok
        if answer == "pass" and case.expect != "pass":
            self.false_passes += 1
        if case.expect.startswith("error:"):
            self.errors_expected += 1
            self.errors_right += ok
        if not ok:
            self.wrong.append(f"{case.name}: expected {case.expect}, got {answer}")


def answer_for(case: Case) -> str:
    claim = Claim(case.number, case.holder, case.as_of, case.region)
    try:
        return examine(case.data, claim).verdict
    except BillError as e:
        return f"error:{e.kind}"


def score(cases: list[Case]) -> dict[str, Tally]:
    tallies = {kind: Tally() for kind in KINDS}
    for case in cases:
        started = time.perf_counter()
        answer = answer_for(case)
        tallies[case.kind].add(case, answer, time.perf_counter() - started)
    return tallies


def table(tallies: dict[str, Tally]) -> str:
    total = Tally()
    rows = [
        "| kind of case | cases | verdicts right | false passes | errors right | s/bill |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, t in [*tallies.items(), ("all", total)]:
        if kind != "all":
            for name in ("cases", "right", "false_passes", "errors_expected", "errors_right"):
                setattr(total, name, getattr(total, name) + getattr(t, name))
            total.seconds += t.seconds
            total.wrong += t.wrong
        if not t.cases:
            continue
        errors = f"{t.errors_right}/{t.errors_expected}" if t.errors_expected else "-"
        rows.append(
            f"| {kind} | {t.cases} | {t.right}/{t.cases} ({100 * t.right / t.cases:.0f}%) "
            f"| {t.false_passes} | {errors} | {t.seconds / t.cases:.2f} |"
        )
    return "\n".join(rows)


def targets_met(tallies: dict[str, Tally]) -> bool:
    cases = sum(t.cases for t in tallies.values())
    right = sum(t.right for t in tallies.values())
    text = tallies["text PDF"]
    return (
        right >= 0.95 * cases
        and text.right == text.cases
        and all(t.errors_right == t.errors_expected for t in tallies.values())
        and not any(t.false_passes for t in tallies.values())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--slice", choices=("held-out", "tuning"), default="held-out")
    parser.add_argument("--show-wrong", action="store_true", help="list the cases answered wrong")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    cases = held_out_cases() if args.slice == "held-out" else tuning_cases()
    made = time.perf_counter() - started
    start_reader()
    tallies = score(cases)
    print(f"{args.slice} slice of billmaker2: {len(cases)} cases (drawn in {made:.1f} s)")
    print(table(tallies))
    met = targets_met(tallies)
    print(
        "targets (>= 95% right, every text-PDF verdict and error right, no false pass): "
        + ("met" if met else "MISSED")
    )
    if args.show_wrong:
        for t in tallies.values():
            for line in t.wrong:
                print(f"  wrong: {line}")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    raise SystemExit(main())
