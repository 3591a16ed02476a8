"""The tests' own layout: test modules share code only through ``tests.helpers`` and ``tests.fakes``.

A test module that imports another one (or a conftest) runs that module's code at import and ties
two tests' helpers together by accident; conftest files hold fixtures only. Every folder of tests
is a package, so same-named test files in different folders do not collide.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

TESTS = ROOT / "tests"
SHARED = ("tests.helpers", "tests.fakes")
# Code run by the local gateway as a Lambda function in its own tests, not test code.
NOT_TEST_CODE = (TESTS / "e2e" / "fixtures",)


def python_files() -> list[Path]:
    return sorted(
        path
        for path in TESTS.rglob("*.py")
        if "__pycache__" not in path.parts and not any(path.is_relative_to(p) for p in NOT_TEST_CODE)
    )


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rsplit(".", 1)[0]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    return imports_of(path.read_text(encoding="utf-8"), package_of(path))


def imports_of(source: str, package: str) -> list[tuple[int, str]]:
    """Every module an import statement names (anywhere in the source, not only at the top), with
    relative imports resolved against ``package``; ``from tests import x`` names ``tests.x``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{target}" if target else base
            if target == "tests" or (node.level and not node.module):
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def forbidden(module: str) -> bool:
    if module == "conftest" or module.endswith(".conftest"):
        return True
    if module != "tests" and not module.startswith("tests."):
        return False
    return not any(module == shared or module.startswith(shared + ".") for shared in SHARED)


def test_given_the_tests_when_their_imports_are_read_then_they_share_only_helpers_and_fakes() -> None:
    files = python_files()

    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path)
        if forbidden(module)
    ]

    assert len(files) > 50, "the tests were not found: the check would pass vacuously"
    assert not violations, (
        f"Test code may import only {' and '.join(SHARED)} from the tests; move what these need there:\n"
        + "\n".join(violations)
    )


def test_given_the_shared_packages_when_their_imports_are_read_then_they_import_no_test_module() -> None:
    shared = [path for path in python_files() if module_name(path).startswith(SHARED)]

    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in shared
        for _, module in imported_modules(path)
        if module.startswith("tests.") and not module.startswith(SHARED)
    ]

    assert shared, "no helpers or fakes found: the check would pass vacuously"
    assert not offending, offending


def test_given_the_folders_of_the_tests_when_listed_then_each_is_a_package() -> None:
    folders = {path.parent for path in python_files()}

    missing = sorted(
        str(folder.relative_to(ROOT)) for folder in folders if not (folder / "__init__.py").exists()
    )

    assert not missing, f"add an __init__.py to: {missing}"


def test_given_the_test_modules_when_named_then_none_sits_outside_a_rung_of_the_cost_ladder() -> None:
    rungs = ("unit", "integration", "e2e")

    strays = [
        str(path.relative_to(ROOT))
        for path in python_files()
        if path.name.startswith("test_") and path.relative_to(TESTS).parts[0] not in rungs
    ]

    assert not strays, f"test modules belong under tests/{{{','.join(rungs)}}}: {strays}"


@pytest.mark.parametrize(
    ("source", "module", "allowed"),
    [
        ("from tests.helpers.events import load_event", "tests.helpers.events", True),
        ("import tests.helpers.gateway", "tests.helpers.gateway", True),
        ("from tests.fakes import InMemoryUsageRepository", "tests.fakes", True),
        ("from tests import helpers", "tests.helpers", True),
        ("from tests.unit.test_problems import header", "tests.unit.test_problems", False),
        ("from tests.e2e.conftest import RunningGateway", "tests.e2e.conftest", False),
        ("import conftest", "conftest", False),
        ("from .conftest import FakeContext", "tests.unit.tooling.conftest", False),
        ("from . import test_docs", "tests.unit.tooling.test_docs", False),
        ("from tests import unit", "tests.unit", False),
        ("from parley.errors import NotFound", "parley.errors", True),
    ],
)
def test_given_an_import_when_checked_then_only_helpers_fakes_and_non_test_code_pass(
    source: str, module: str, allowed: bool
) -> None:
    # Given an import written in a module of tests/unit/tooling
    # When it is read
    names = [name for _, name in imports_of(source, "tests.unit.tooling")]

    # Then it names the module it imports, and only helpers, fakes and non-test code pass
    assert names == [module]
    assert forbidden(module) is not allowed
