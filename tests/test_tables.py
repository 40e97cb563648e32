"""The table registry (dashboard/tables.py) is the one list of curated tables: every CSV in data/
has an entry and every entry a file, each model documents its file, and the README's table of
the data describes each one in the registry's words."""

from __future__ import annotations

from dashboard import tables
from tests.conftest import ROOT


def test_every_csv_in_data_has_an_entry_and_every_entry_a_file():
    on_disk = {f"data/{path.name}" for path in (ROOT / "data").glob("*.csv")}
    registered = {table.path for table in tables.TABLES}
    assert not on_disk - registered, f"CSV files in data/ with no entry in dashboard/tables.py: {sorted(on_disk - registered)}"
    assert not registered - on_disk, f"entries in dashboard/tables.py with no file: {sorted(registered - on_disk)}"


def test_each_entry_is_named_once():
    assert len({t.key for t in tables.TABLES}) == len({t.path for t in tables.TABLES}) == len(tables.TABLES)
    assert len({t.model for t in tables.TABLES}) == len(tables.TABLES)


def test_each_model_documents_its_own_file():
    """A model's docstring opens with the file it defines ('data/metrics.csv: ...'): a model wired to
    the wrong file reads wrong in the package's descriptions."""
    wrong = [f"{t.key}: {t.model.__name__} documents {(t.model.__doc__ or '').split(':')[0]}" for t in tables.TABLES
             if not (t.model.__doc__ or "").startswith(f"{t.path}:")]
    assert wrong == []


def test_the_readme_describes_every_table_in_the_registrys_words():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f"| `{t.path}` | {t.row} |" for t in tables.TABLES if f"| `{t.path}` | {t.row} |" not in readme]
    assert missing == [], "README.md's table of the data lacks these rows: " + "; ".join(missing)
