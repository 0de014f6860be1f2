"""DESIGN's one-way dependency rule, read from the source: no package imports one it must not.

Every import is counted, also those inside functions (where a forbidden one used to hide) and
``importlib.import_module("...")`` with a literal name.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("exhibits", "ingest", "media", "search", "viewer")

#: What each package may import of the others (DESIGN, "Layout"): viewer → ingest, exhibits, search, media;
#: ingest → media, exhibits, search; search → exhibits; exhibits → media (the files layer, which knows
#: nothing of museums); media → nothing.
ALLOWED = {
    "viewer": {"ingest", "exhibits", "search", "media"},
    "ingest": {"exhibits", "search", "media"},
    "search": {"exhibits"},
    "exhibits": {"media"},
    "media": set(),
}


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module name) of every import in a module, relative imports excluded."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def violations(package: str, root: Path = ROOT) -> list[str]:
    wrong = []
    for path in sorted((root / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, name in imported_names(tree):
            top = name.split(".")[0]
            where = f"{path.relative_to(root)}:{line} imports {name}"
            if top in PACKAGES and top != package and top not in ALLOWED[package]:
                wrong.append(where)
            elif package != "viewer" and (top == "flask" or top.startswith("flask_")):
                wrong.append(f"{where} (no Flask outside viewer/)")
    return wrong


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_dependencies_point_one_way(package):
    assert violations(package) == []


def test_the_check_sees_imports_hidden_in_functions(tmp_path):
    (tmp_path / "exhibits").mkdir()
    (tmp_path / "exhibits" / "late.py").write_text(
        "import importlib\n\ndef f():\n    from ingest.plugins import media_kind\n    import viewer.app\n"
        "    from media.kinds import media_kinds\n    from flask import g\n"
        "    return importlib.import_module('search.backend')\n", encoding="utf-8")
    assert violations("exhibits", tmp_path) == [
        "exhibits/late.py:4 imports ingest.plugins",
        "exhibits/late.py:5 imports viewer.app",
        "exhibits/late.py:7 imports flask (no Flask outside viewer/)",
        "exhibits/late.py:8 imports search.backend",
    ]
