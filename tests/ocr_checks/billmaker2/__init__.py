"""A second bill maker, independent of `billmaker`: other layouts, fonts, page sizes, scans and
photos, and hostile files, each case built from a seed with its right answer.

`held_out_cases()` is scored by `bench/accuracy.py` and never used for tuning.
"""

from .cases import AS_OF, KINDS, Case, held_out_cases, make_case, tuning_cases
from .sheet import BillSpec, draw_bill

__all__ = [
    "AS_OF",
    "KINDS",
    "BillSpec",
    "Case",
    "draw_bill",
    "held_out_cases",
    "make_case",
    "tuning_cases",
]
