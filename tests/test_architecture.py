"""The package's imports flow one way: no import cycle, and no module imports from a later layer.

The graph is read from the source (``ast``): module-level and function-level imports between
modules of ``pipeline/``; imports under ``if TYPE_CHECKING:`` are for the type checker only and
are left out. The README's map of modules («Bản đồ mã nguồn») follows the same order.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"

# From the bottom up. A module imports only from its own layer or from earlier ones.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "values", "ooxml", "print_layout"),  # leaves: no import from the package
    ("formulas",),  # one entry per indicator formula (the plan validates config with it)
    ("plan",),  # config.toml → Plan
    ("workspace", "outbox"),  # the folders, atomic writes
    ("layout",),  # the form's shape, shared by writer and reader
    ("model",),  # the shared types: Submission, IntakeResult, Problem, CODES, years of history
    ("rules", "xlsx_safety", "sheet_cells", "sheet_index"),  # checks, safe package, cells
    ("funding",),  # mục IV: the form's funding rows, the per-unit table and the totals
    ("form_reader", "forms"),  # one form read / written
    ("intake",),  # the inbox → IntakeResult (last year's figures are given, not read)
    ("aggregate",),  # the accepted forms against the plan's targets
    ("wording",),  # words and numbers as the clerk reads them
    ("record",),  # the run record: written and read in one place
    ("history_xlsx", "history"),  # years before: history workbooks and run records
    # the outputs: the documents' text pieces and charts, the summary workbook; rendering (no content);
    # what each output says (report, console, feedback to units, review, reminder letter); the report stage
    ("report_text", "charts", "summary_xlsx"),
    ("report_docx",),
    ("report_history", "report_appendix"),
    ("report_context", "display", "feedback", "review", "reminder"),
    ("report",),
    ("run", "demo"),  # one library call per command
    ("cli",),  # parses options, prints
)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.AST, modules: set[str]) -> set[str]:
    """The package's modules one import statement names."""
    out: set[str] = set()
    if isinstance(node, ast.ImportFrom):
        if node.level == 1 or (node.level == 0 and (node.module or "").startswith("pipeline")):
            base = (node.module or "").removeprefix("pipeline").lstrip(".")
            if base:
                out.add(base.split(".")[0])
            else:  # from . import funding / from . import package_version
                out |= {a.name if a.name in modules else "__init__" for a in node.names}
    elif isinstance(node, ast.Import):
        out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("pipeline.")}
    return out & modules


def _imports_in(node: ast.AST, modules: set[str]) -> set[str]:
    """The package's modules imported anywhere under ``node``, except under ``if TYPE_CHECKING:``."""
    if isinstance(node, ast.If) and _type_checking_only(node):
        return set().union(*(_imports_in(child, modules) for child in node.orelse))
    found = _imported(node, modules)
    for child in ast.iter_child_nodes(node):
        found |= _imports_in(child, modules)
    return found


def import_graph() -> dict[str, set[str]]:
    """module → the modules of the package it imports (at module level or inside a function)."""
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return {
        path.stem: _imports_in(ast.parse(path.read_text(encoding="utf-8"), str(path)), modules) - {path.stem}
        for path in sorted(PACKAGE.glob("*.py"))
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, …, a], or [] when there is none (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        path.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                return path[path.index(t) :] + [t]
            if t not in state and (found := visit(t)):
                return found
        path.pop()
        state[m] = 2
        return []

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return []


def test_the_graph_sees_module_and_function_level_imports_but_not_type_checking_ones() -> None:
    graph = import_graph()
    assert "values" in graph["model"]  # module level: from .values import …
    assert "form_reader" in graph["intake"]  # function level: read_data imports the reader
    source = (PACKAGE / "funding.py").read_text(encoding="utf-8")
    assert "if TYPE_CHECKING:\n    from .model import" in source and "model" not in graph["funding"]


def test_the_cycle_finder_names_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert not cycle, "import cycle: " + " → ".join(cycle)


def test_every_module_has_a_place_in_the_layers() -> None:
    placed = [m for layer in LAYERS for m in layer]
    assert len(placed) == len(set(placed)), "a module is placed twice in LAYERS"
    unplaced = sorted(set(import_graph()) - set(placed))
    assert not unplaced, "; ".join(f"place module {m} in LAYERS (tests/test_architecture.py)" for m in unplaced)


def test_no_module_imports_from_a_later_layer() -> None:
    layer_of = {m: i for i, layer in enumerate(LAYERS) for m in layer}
    upward = sorted(
        f"{m} (layer {layer_of[m]}) imports {t} (layer {layer_of[t]})"
        for m, targets in import_graph().items()
        for t in targets
        if m in layer_of and t in layer_of and layer_of[t] > layer_of[m]
    )
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_the_report_is_built_in_one_place_and_rendered_in_another() -> None:
    """report_context and its parts write the content and never render; report_docx renders and writes no
    content (it knows charts only to draw them, and the number filters the templates use); report.py
    joins the two, one way."""
    graph = import_graph()
    for builder in ("report_context", "report_appendix", "report_history", "report_text", "charts"):
        assert not graph[builder] & {"report", "report_docx"}, (builder, graph[builder])
    assert graph["report_docx"] <= {"charts", "errors", "ooxml", "wording"}, graph["report_docx"]
    assert graph["report"] >= {"report_context", "report_docx"}


@pytest.mark.parametrize("module", ["model", "layout"])
def test_the_shared_types_and_the_layout_import_only_leaves(module: str) -> None:
    allowed = set(LAYERS[0]) | {"plan", "formulas", "layout"}
    assert import_graph()[module] <= allowed, import_graph()[module]


def test_the_readme_map_names_every_module_once_in_the_order_of_the_layers() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bản đồ mã nguồn", 1)[1].split("\n## ", 1)[0]
    named = list(dict.fromkeys(re.findall(r"`([a-z_]+)\.py`", section)))
    modules = set(import_graph()) - {"__init__"}
    assert sorted(modules - set(named)) == [], "add to the README's «Bản đồ mã nguồn»"
    assert sorted(set(named) - modules) == [], "no such module in pipeline/"
    layer_of = {m: i for i, layer in enumerate(LAYERS) for m in layer}
    out_of_order = [
        f"{a} before {b}" for a, b in zip(named, named[1:], strict=False) if layer_of.get(a, 0) > layer_of.get(b, 0)
    ]
    assert not out_of_order, out_of_order
