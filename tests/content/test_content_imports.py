"""The content package's modules import one another one way only, at module level.

The writer (store) may use the merge, re-anchoring, schema, YAML, journal and loader
modules (the loader tells it which edited files cannot be merged);
the checker and the single-record loader (which the site reader uses) never import
the writer or the merge, so reading content does not pull in the writing machinery.
"""
import ast
from pathlib import Path

import generator.content

PACKAGE = Path(generator.content.__file__).parent

# module -> the content modules it may import
ALLOWED = {
    "yamlio": set(),
    "journal": set(),
    "schema": set(),
    "reanchor": {"yamlio"},
    "loader": {"schema", "yamlio"},
    "outlets": {"loader"},
    "check": {"loader", "journal", "outlets"},
    "merge": {"yamlio", "reanchor"},
    "store": {"journal", "loader", "merge", "reanchor", "schema", "yamlio"},
}


def _content_imports(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(content modules imported at module level, those imported inside functions)."""
    top, nested = set(), set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "generator.content":
                names = [a.name for a in node.names]
            elif node.module.startswith("generator.content."):
                names = [node.module.split(".")[2]]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[2] for a in node.names if a.name.startswith("generator.content.")]
        (top if node in tree.body else nested).update(names)
    return top, nested


def test_every_content_module_is_listed():
    assert {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"} == set(ALLOWED)


def test_content_modules_import_one_way_and_at_module_level():
    for name, allowed in ALLOWED.items():
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        top, nested = _content_imports(tree)
        assert not nested, (name, nested)
        assert top <= allowed, (name, top - allowed)
