"""No import cycles inside paperreader, including the ones an import inside a function hides.

An import moved into a function to dodge a cycle still makes the two modules depend on each other:
the cycle is there, only deferred to the first call. So every `import`/`from ... import` in a module
counts, wherever it sits, except under `if TYPE_CHECKING:` (annotations only, never run). The graph
is read from the source with `ast` (nothing is imported), and a cycle fails with its modules named.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "paperreader"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.AST, current: str, is_package: bool):
    """Every dotted name a module imports (absolute), skipping TYPE_CHECKING blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield (alias.name, None)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = current.split(".") if is_package else current.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` loads the module pkg.sub; `from pkg import name`, pkg itself
            for alias in node.names:
                yield (f"{base}.{alias.name}", base)
        stack.extend(ast.iter_child_nodes(node))


def _resolve(imported: tuple[str, str | None], modules: dict[str, Path]) -> str | None:
    """The module an import loads: the name if it is a module, else (`from pkg import name`) pkg,
    else (`import a.b.c` of a non-module) its longest module prefix."""
    name, owner = imported
    if name in modules:
        return name
    parts = (owner or name).split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for imported in _imported_names(tree, name, path.name == "__init__.py"):
            if not imported[0].startswith("paperreader"):
                continue
            target = _resolve(imported, modules)
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_finder_sees_a_cycle_hidden_in_a_function():
    source = {
        "a": "import paperreader.b\n",
        "b": "def f():\n    from paperreader import a\n",
        "c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from paperreader import a\n",
    }
    modules = {f"paperreader.{k}": Path(k) for k in source}
    graph = {}
    for name, text in source.items():
        imported = _imported_names(ast.parse(text), f"paperreader.{name}", False)
        graph[f"paperreader.{name}"] = {
            t for i in imported if i[0].startswith("paperreader") and (t := _resolve(i, modules)) and t != f"paperreader.{name}"
        }
    assert cycles(graph) == [["paperreader.a", "paperreader.b"]]
    assert graph["paperreader.c"] == set()


def test_paperreader_has_no_import_cycles():
    graph = import_graph()
    assert len(graph) > 50  # the whole package was read
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)
