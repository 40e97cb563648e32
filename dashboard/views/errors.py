"""The error screen and the problem lists: what is wrong with a file, line by line, in the reader's
language (the fixed words and expectations translated, the values as they are).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import N_, _
from dashboard.views import safe_text

MAX_PROBLEMS_SHOWN = 20


def problem_line(problem) -> str:
    """'data/metrics.csv:3: column 'value': got -1; expected ...' with the fixed words and every
    fixed expectation (schema.CHECK_TARGETS) in the reader's language; values stay as they are."""
    return _("{file}:{line}: column '{column}': got {value}; expected {expected}").format(
        file=problem.file, line=problem.line, column=problem.column, value=problem.value, expected=_(problem.expected))


PROBLEM_COLUMNS = {"line": N_("line"), "column": N_("column"), "value": N_("value"), "expected": N_("expected")}


def translated_problems(frame: pd.DataFrame) -> pd.DataFrame:
    """data.problems_frame with its headers and fixed expectations in the reader's language."""
    return frame.assign(expected=[_(e) for e in frame["expected"]]).rename(
        columns={c: _(w) for c, w in PROBLEM_COLUMNS.items()})


def show_data_error(headline: str, problems: list[str]) -> None:
    st.error(_("The dashboard cannot show data: {headline}.").format(headline=safe_text.md(headline)), icon=":material/error:")
    if problems:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        st.code("\n".join(problems[:MAX_PROBLEMS_SHOWN]) + (_("\n... and {count} more").format(count=more) if more > 0 else ""),
                language=None)
    st.caption(_("Check the files with `python -m dashboard.validate`; the page recovers on reload once they are fixed."))
