"""The documentation: a README front door of at most 15 KiB, and links that stay inside the repository."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers.paths import ROOT

README = ROOT / "README.md"
README_MAX_BYTES = 15 * 1024
API_PAGES = ("nbq.md", "conversations.md", "turn.md", "insights.md")
GUIDES = (
    "docs/decisions.md",
    "docs/operations.md",
    "docs/security.md",
    "docs/reliability.md",
    "benchmarks/README.md",
)

FENCED_BLOCK = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# [text](target) or ![alt](target), the text holding at most one level of brackets, the target
# optionally in <…> and optionally followed by a "title".
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(?P<target><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)"
)
IGNORED_SCHEMES = ("http://", "https://", "mailto:")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def markdown_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md")), ROOT / "benchmarks" / "README.md"]


def link_targets(markdown: str) -> list[str]:
    """Inline link targets outside code: fenced blocks and code spans are prose about code, not links."""
    prose = CODE_SPAN.sub("code", FENCED_BLOCK.sub("", markdown))
    return [match.group("target").strip("<>") for match in INLINE_LINK.finditer(prose)]


def relative_targets(markdown: str) -> list[str]:
    """The targets that name a file of the repository: no web or mail links, no same-page anchors."""
    return [
        target
        for target in link_targets(markdown)
        if not target.lower().startswith(IGNORED_SCHEMES) and not target.startswith("#")
    ]


def resolve(source: Path, target: str) -> Path:
    path = unquote(target.split("#", 1)[0])
    return (source.parent / path).resolve()


def test_link_parser_finds_inline_links_and_skips_code_web_and_anchors() -> None:
    # Given Markdown with links in prose, in a code span, in a fenced block, and web, mail and anchor links
    markdown = (
        'See [the `page`](docs/a.md#part) and ![img](<b c.png> "title"), `[no](code.md)`,\n'
        "[web](https://example.com), [mail](mailto:x@example.com), [here](#top).\n"
        "```\n[fenced](fenced.md)\n```\n"
    )
    # When the relative targets are extracted
    targets = relative_targets(markdown)
    # Then only the two prose links to repository files remain
    assert targets == ["docs/a.md#part", "b c.png"]


def test_readme_is_a_front_door_of_at_most_15_kib() -> None:
    # Given the README / When its size is measured in bytes / Then it fits the budget
    size = README.stat().st_size
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes, over {README_MAX_BYTES}"


@pytest.mark.parametrize("source", markdown_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_inside_the_repository(source: Path) -> None:
    # Given a documentation page
    assert source.is_file(), f"{source.relative_to(ROOT)} is missing"
    problems = []
    # When each of its relative links is resolved from the page's folder
    for target in relative_targets(source.read_text(encoding="utf-8")):
        if SCHEME.match(target) or target.startswith(("/", "\\")):
            problems.append(f"{target}: not a relative link to a repository file")
            continue
        resolved = resolve(source, target)
        # Then it names an existing file or folder inside the repository root
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{target}: resolves outside the repository ({resolved})")
        elif not resolved.exists():
            problems.append(f"{target}: {resolved.relative_to(ROOT)} does not exist")
    assert not problems, f"{source.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_readme_links_every_api_page_and_guide() -> None:
    # Given one page per API under docs/api and the guides
    api_pages = sorted((ROOT / "docs" / "api").glob("*.md"))
    assert {page.name for page in api_pages} >= set(API_PAGES)
    expected = {*api_pages, *(ROOT / guide for guide in GUIDES)}
    # When the README's relative links are resolved
    linked = {resolve(README, target) for target in relative_targets(README.read_text(encoding="utf-8"))}
    # Then every page and guide is among them
    missing = sorted(path.relative_to(ROOT).as_posix() for path in expected - linked)
    assert not missing, f"README.md does not link: {', '.join(missing)}"
