"""The shape the architecture keeps: no function of the layer or a handler over 60 lines, and each
handler's route (``handle_*`` in ``functions/*/app.py``: parse, call the domain, shape the answer)
at most 20."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.paths import ROOT

MAX_FUNCTION_LINES = 60
MAX_ROUTE_LINES = 20


def _functions(*roots: str) -> list[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.append((path, node))
    return found


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1


def test_no_function_of_the_layer_or_a_handler_is_over_60_lines() -> None:
    # Given every function of layers/ and functions/ / When measured / Then none is too long
    functions = _functions("layers", "functions")
    assert len(functions) > 500  # the walk found the code

    long = [f"{p.relative_to(ROOT)}:{n.lineno} {n.name} ({_length(n)} lines)"
            for p, n in functions if _length(n) > MAX_FUNCTION_LINES]  # fmt: skip

    assert not long, "split these:\n" + "\n".join(long)


def test_every_handler_route_is_at_most_20_lines() -> None:
    routes = [(p, n) for p, n in _functions("functions") if n.name.startswith("handle_")]
    assert len(routes) >= len(list((ROOT / "functions").glob("*/app.py"))) - 5  # (workers have none)

    long = [f"{p.relative_to(ROOT)} {n.name} ({_length(n)} lines)"
            for p, n in routes if _length(n) > MAX_ROUTE_LINES]  # fmt: skip

    assert not long, "thin these:\n" + "\n".join(long)
