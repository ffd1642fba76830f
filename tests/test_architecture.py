"""The layers stay visible: no import runs back up, and none hides inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"unqa": 0, "ingest": 1, "index": 2, "eval": 3, "bench": 4, "unqa_app": 5}


def _modules() -> list[Path]:
    return sorted(f for pkg in LAYERS for f in (ROOT / pkg).rglob("*.py") if "__pycache__" not in f.parts)


def _imports(tree: ast.AST) -> list[tuple[str, bool, int]]:
    """(imported top-level package, inside a function, line) of every import of a project package."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                found += [(name, True, inner.lineno) for name in _names(inner)]
    top = [(name, False, node.lineno) for node in ast.iter_child_nodes(tree) for name in _names(node)]
    nested = {(n, line) for n, _, line in found}
    return found + [t for t in top if (t[0], t[2]) not in nested]


def _names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    else:
        return []
    return [n.split(".")[0] for n in names if n.split(".")[0] in LAYERS]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_upward_or_hidden_import(path: Path) -> None:
    layer = LAYERS[path.relative_to(ROOT).parts[0]]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name, in_function, line in _imports(tree):
        assert LAYERS[name] <= layer, f"{path.name}:{line} imports {name}, a layer above"
        assert not in_function, f"{path.name}:{line} imports {name} inside a function"


def test_app_page_is_installed_with_the_package() -> None:
    assert (ROOT / "unqa_app" / "streamlit_app.py").is_file()
    shim = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "from unqa_app.streamlit_app import main" in shim
