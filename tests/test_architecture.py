"""The package layout stays as the README draws it: imports run one way, no cycles.

Every `import generator...` / `from generator... import` in generator/ counts, at module
level or inside a function (a lazy import is still a dependency).
"""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "generator"

# Higher layers may import lower ones, never the reverse; one layer's packages do not
# import each other. `site` reads content; it never imports the build or its stages.
LAYERS = [
    {"errors"},
    {"records", "config", "ids"},
    {"nlp", "content"},
    {"ingest", "stories", "site"},
    {"build"},
    {"cli"},
    {"__main__"},
]
RANK = {name: n for n, layer in enumerate(LAYERS) for name in layer}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    return _imports_of(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def _imports_of(source: str, me: str, is_package: bool) -> set[str]:
    tree = ast.parse(source)
    package = me if is_package else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("generator"):
                continue
            for alias in node.names:
                # `from generator.x import y` may name a module y or a name in x
                sub = f"{mod}.{alias.name}"
                found.add(sub if _exists(sub) else mod)
    found.discard(me)
    return found


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PKG / rel).with_suffix(".py").exists() or (PKG / rel / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PKG.rglob("*.py"))}


def _unit(module: str) -> str:
    """The layer unit of a module: its top-level package or module under generator."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "generator"


def test_every_unit_has_a_layer():
    units = {_unit(m) for m in _graph()} - {"generator"}
    assert units <= set(RANK), f"add these to LAYERS: {sorted(units - set(RANK))}"


def test_imports_run_one_way():
    wrong = []
    for module, deps in _graph().items():
        me = _unit(module)
        if me == "generator":
            continue
        for dep in deps:
            other = _unit(dep)
            if other in ("generator", me):
                continue
            if RANK[other] >= RANK[me]:
                wrong.append(f"{module} -> {dep}")
    assert not wrong, "imports that run up or sideways:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_lazy_and_relative_imports():
    # An import inside a function is still a dependency, or a lazy import could hide a cycle.
    src = "def f():\n    from generator.content import store\n    from ..nlp import entities\n"
    assert _imports_of(src, "generator.stories.group", False) == {
        "generator.content.store", "generator.nlp.entities"}
