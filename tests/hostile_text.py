"""Long hostile texts for the tests that the number readers, the draft and the audit take time in
proportion to their input: the shapes an adversarial pass found quadratic (issue 20, points 2-3).

`within(seconds)` is a guard against a hang, not a timing goal: the budgets are about a hundred
times what the linear code takes on these sizes, while the quadratic code took minutes to hours.
The timings themselves are measured by the benchmark (bench/curation.py).
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

# A digit run, runs joined by spaces, underscores, commas and points, abbreviations that do not end
# a sentence, whitespace lines, ranges that never close, digits of another script.
HOSTILE_UNITS = ["1", "1 ", "1_", "1,", "1.", "Co. A ", " \n", "\n \n", "1-1 ", "1 or ", "one or ", "(1, ", '"a, ',
                 "   and ", "\u0662", "$1 ", "May 1 ", "\t", "12,345,", "2021-"]


class TooSlow(AssertionError):
    pass


@contextmanager
def within(seconds: int, what: str):
    """Fail (TooSlow) if the block runs longer than `seconds` (SIGALRM; main thread only)."""

    def stop(signum, frame):
        raise TooSlow(f"{what} took more than {seconds} s: its time grows faster than its input")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def repeated(unit: str, size: int, tail: str = "") -> str:
    """`unit` repeated to `size` characters, then `tail`."""
    unit = unit or "1"
    return (unit * (size // len(unit) + 1))[:size] + tail
