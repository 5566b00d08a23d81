"""The house keeps its plan: no module imports itself round a circle, and no file outgrows one idea.

The layers between packages are import-linter's contracts (pyproject.toml, run by `make test`);
these tests guard what the contracts cannot: a circle between two modules of the same folder
(a wizard page reaching back to its wizard) and a file that has grown past ~400 lines.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400
# Declarations only (one SettingSpec after another), and generated migrations.
LONG_ALLOWED = {"app/domain/core/settings_catalog.py"}


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_module_imports_round_a_circle():
    # Imports under TYPE_CHECKING and inside functions count too: they are circles all the same.
    graph = grimp.build_graph("app", "sync", exclude_type_checking_imports=False)
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_circle():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_file_holds_more_than_one_idea_s_worth_of_lines():
    too_long = []
    for folder in ("app", "sync"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in LONG_ALLOWED:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{relative}: {lines} lines")
    assert too_long == []


def test_services_and_domain_are_packages_by_area():
    for layer in ("app/services", "app/domain"):
        loose = [p.name for p in (ROOT / layer).glob("*.py") if p.name != "__init__.py"]
        areas = [p.name for p in (ROOT / layer).iterdir() if (p / "__init__.py").exists()]
        assert len(loose) <= 3, f"{layer} holds loose modules: {loose}"
        assert {"core", "payments", "tariffs"} <= set(areas)
