"""The command line: `python -m dashboard.validate [PATH]`.

Validates a metrics CSV (default data/metrics.csv) against the shipped catalogues and seed
documents, with the same loader the app uses, in the same place: $DASHBOARD_ROOT when it is set
(the copy the app serves), else this checkout. Exit 0 with a one-line summary when valid; exit 1
with every problem, one per line (file:line: column: value; expected ...); exit 2 with a one-line
reason when a file cannot be read at all. Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.data import data_root, load_dataset
from dashboard.files import InvalidData, UnreadableFile

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def summarise(metrics) -> str:
    """One line: what the validated observations cover."""
    return (
        f"{len(metrics)} rows, {metrics['region'].nunique()} regions, "
        f"{metrics['metric'].nunique()} metrics, {metrics['source_id'].nunique()} sources"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.validate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "path", nargs="?", type=Path, help="metrics CSV to check (default: data/metrics.csv under $DASHBOARD_ROOT or here)"
    )
    args = parser.parse_args(argv)
    root = data_root()
    try:
        dataset = load_dataset(root, metrics_path=args.path.resolve() if args.path else None)
    except UnreadableFile as err:
        print(f"error: {err.command_line}", file=sys.stderr)
        return EXIT_UNREADABLE
    except InvalidData as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"invalid: {len(err.problems)} problem(s)", file=sys.stderr)
        return EXIT_INVALID
    print(f"valid: {args.path or 'data/metrics.csv'}: {summarise(dataset.metrics)}")
    return EXIT_VALID


if __name__ == "__main__":
    sys.exit(main())
