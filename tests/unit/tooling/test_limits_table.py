"""The limits page is generated from the limits modules, so the docs state what the code applies."""

from tests.helpers.paths import ROOT
from tools.limits_table import table


def test_docs_limits_is_the_table_the_limits_modules_give() -> None:
    assert (ROOT / "docs" / "limits.md").read_text() == table(), (
        "run: python -m tools.limits_table > docs/limits.md"
    )
