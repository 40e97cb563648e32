"""The shape of the code, checked: what imports what, and how long a module may grow.

STYLE.md's flow (evidence -> schema -> data -> logic -> views) is one-way: nothing outside
dashboard/views/ imports a page module, so the read API and the command lines (validate, audit,
draft) run without the pages. The router (app.py) is the one exception: it runs them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

DASHBOARD = ROOT / "dashboard"
ROUTER = DASHBOARD / "app.py"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth (function bodies included);
    `from dashboard.views import ui` yields dashboard.views.ui."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module if node.level == 0 else f"<relative {node.level}>.{node.module}"
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            found.append((node.lineno, module))
    return found


def outside_views() -> list[Path]:
    return sorted(p for p in DASHBOARD.rglob("*.py") if "views" not in p.relative_to(DASHBOARD).parts)


def test_the_import_finder_sees_imports_inside_functions(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from dashboard.views import ui\nimport dashboard.views.share\n", encoding="utf-8")
    assert (2, "dashboard.views.ui") in imported_modules(module)
    assert (3, "dashboard.views.share") in imported_modules(module)


def test_nothing_outside_the_views_imports_a_page_module():
    """api.py and every command line import no module under dashboard/views/ (the cache they
    share with the pages is dashboard/store.py); only the router runs pages."""
    offenders = [f"{path.relative_to(ROOT)}:{line}: imports {module}"
                 for path in outside_views() if path != ROUTER
                 for line, module in imported_modules(path)
                 if module == "dashboard.views" or module.startswith("dashboard.views.") or module.startswith("<relative")]
    assert not offenders, "\n".join(offenders)


def test_the_command_lines_and_the_api_are_checked():
    """The modules the rule above is for exist and are walked (a rename would silently drop them)."""
    walked = {p.name for p in outside_views()}
    assert {"api.py", "validate.py", "audit.py", "draft.py", "package.py", "store.py"} <= walked
