"""The layout's rules, read from the source with ast: no import cycles, dependencies one way, wiring at the top.

Every import counts, including those inside functions and under TYPE_CHECKING: an import moved into a
function to dodge a cycle is still a cycle to a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("chalicelib", "ops")

# Allowed direction: a layer may import its own and those listed (core is config, errors, models, logs).
CORE = {"chalicelib", "chalicelib.config", "chalicelib.crisis_lines", "chalicelib.errors", "chalicelib.models", "chalicelib.logs"}
LAYERS = {
    "state": {"core"},
    "detect": {"core"},
    "act": {"core", "state", "detect"},
    "console": {"core", "state", "act"},
    "connect": {"core", "state", "act", "console"},
    "ingest": {"core", "state", "detect", "act", "console"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each of our modules -> the modules of ours it imports (anywhere in the file)."""
    modules = {_module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                # `from chalicelib.act import policy` imports the module chalicelib.act.policy
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


GRAPH = _imports()


def _layer(module: str) -> str:
    if module in CORE:
        return "core"
    parts = module.split(".")
    if parts[0] == "ops":
        return "ops"
    if module == "chalicelib.wiring":
        return "wiring"
    return parts[1]


def test_the_graph_sees_our_packages() -> None:
    assert "chalicelib.act.pipeline" in GRAPH["chalicelib.ingest.worker"]
    assert "chalicelib.wiring" in GRAPH["ops.stage"]


def test_no_import_cycles() -> None:
    seen: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        seen[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            # A package's __init__ may import its own submodules; that is how a package exports them.
            if target.startswith(module + "."):
                continue
            if seen.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in seen:
                visit(target, path + [target])
        seen[module] = 2

    for module in sorted(GRAPH):
        if module not in seen:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("chalicelib.") and m != "chalicelib.wiring"))
def test_dependencies_point_one_way(module: str) -> None:
    layer = _layer(module)
    allowed = {"core"} if layer == "core" else LAYERS[layer] | {layer}
    wrong = sorted(t for t in GRAPH[module] if _layer(t) not in allowed)
    assert wrong == [], f"{module} ({layer}) may import only {sorted(allowed)}"


def test_only_app_and_ops_import_wiring() -> None:
    importers = sorted(m for m, targets in GRAPH.items() if "chalicelib.wiring" in targets)
    assert all(m.startswith("ops.") for m in importers), importers
    assert "chalicelib.wiring" in _app_imports()


def test_the_lambda_package_never_imports_ops() -> None:
    assert [m for m, targets in GRAPH.items() if m.startswith("chalicelib") and any(t.startswith("ops") for t in targets)] == []
    assert not any(t.startswith("ops") for t in _app_imports())


def _app_imports() -> set[str]:
    tree = ast.parse((REPO / "app.py").read_text(encoding="utf-8"))
    return {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
