"""The shape of the code, checked: what imports what, and how long a module may grow.

STYLE.md's flow (evidence -> schema -> data -> logic -> views) is one-way: nothing outside
dashboard/views/ imports a page module, so the read API and the command lines (validate, audit,
draft) run without the pages. The router (app.py) is the one exception: it runs them.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("package", ["metrics", "charts"])
def test_every_public_name_of_a_job_module_is_reachable_from_its_package(package: str):
    """Callers use one namespace (`from dashboard import metrics as mx`, `from dashboard import
    charts`); a function added to a job module and left out of the package's __init__.py would be
    reachable only by its module's path."""
    mx = importlib.import_module(f"dashboard.{package}")
    missing = []
    for path in sorted((DASHBOARD / package).glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = importlib.import_module(f"dashboard.{package}.{path.stem}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                names = [e.id for e in (target.elts if isinstance(target, ast.Tuple) else [target])]
            else:
                continue
            missing += [f"dashboard/{package}/{path.name}:{node.lineno}: {name} is not {package}.{name}"
                        for name in names if not name.startswith("_") and getattr(mx, name, None) is not getattr(module, name)]
    assert not missing, "\n".join(missing)


LONG = 400
LONG_MARKER = "Over ~400 lines"


def test_no_module_passes_400_lines_without_saying_why():
    """A module past ~400 lines usually holds several jobs (STYLE.md): split it by job, or say in
    its opening docstring, on a line starting "Over ~400 lines", why it is one."""
    unexplained = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        count = len(text.splitlines())
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if count > LONG and not any(line.strip().startswith(LONG_MARKER) for line in docstring.splitlines()):
            unexplained.append(f"{path.relative_to(ROOT)}: {count} lines, and no line starting {LONG_MARKER!r} "
                               "in its opening docstring")
    assert not unexplained, "\n".join(unexplained)


def test_only_the_cache_the_router_and_the_views_import_streamlit():
    """The logic runs without Streamlit (the command lines, the API's pure parts, the tests); the one
    cache (store.py) is the only module outside the pages that needs it."""
    allowed = {DASHBOARD / "store.py", ROUTER}
    offenders = [f"{path.relative_to(ROOT)}:{line}: imports {module}"
                 for path in outside_views() if path not in allowed
                 for line, module in imported_modules(path) if module == "streamlit" or module.startswith("streamlit.")]
    assert not offenders, "\n".join(offenders)


def test_the_one_cache_is_store():
    """Streamlit's caches (of the dataset, of what is derived from it, of chart images and downloads)
    live in dashboard/store.py only, where the pages and the API share them."""
    offenders = [f"{path.relative_to(ROOT)}:{node.lineno}: uses st.{node.attr}"
                 for path in sorted(DASHBOARD.rglob("*.py")) if path != DASHBOARD / "store.py"
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Attribute) and node.attr in ("cache_resource", "cache_data")]
    assert not offenders, "\n".join(offenders)


NOQA = re.compile(r"#\s*noqa\b(?P<rest>.*)")
NOQA_WITH_REASON = re.compile(r":\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*\s*(?:-\s*\S|\(\S)")


def test_every_noqa_names_its_rule_and_says_why():
    """ruff runs in `make test` (settings in pyproject.toml); where a line is exempt, the line says
    which rule and why ('# noqa: F401 - fixtures'), so the next reader can judge it."""
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for folder in ("dashboard", "tests", "bench", "deploy") for path in sorted((ROOT / folder).rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if (found := NOQA.search(line)) and not NOQA_WITH_REASON.match(found.group("rest"))]
    assert not offenders, "\n".join(offenders)


def test_every_name_imported_from_the_project_exists_where_it_is_imported_from():
    """After a module is split, an import inside a function (bench/, the command lines) still names
    the old home and fails only when it runs: this imports each `from dashboard... import name`, at
    any depth of dashboard/, bench/, deploy/ and tests/, and fails naming the ones that do not resolve."""
    missing = []
    for folder in ("dashboard", "bench", "deploy", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("dashboard"):
                    module = importlib.import_module(node.module)
                    missing += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.module} has no {alias.name}"
                                for alias in node.names if alias.name != "*" and not hasattr(module, alias.name)
                                and not (hasattr(module, "__path__")  # a package's submodule, not yet imported
                                         and importlib.util.find_spec(f"{node.module}.{alias.name}"))]
    assert not missing, "\n".join(missing)
