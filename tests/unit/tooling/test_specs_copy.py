"""The repository's copies of the public specs are the ones in ../shared/specs."""

from tests.helpers.paths import ROOT

COPIES = ROOT / "specs"
SHARED = ROOT.parent / "shared" / "specs"
EXPECTED = {"conversations.md", "nbq-next-questions.md", "nbq-record-conversion.md", "turn.md"}


def test_every_spec_is_copied_and_matches_the_shared_original_where_it_exists() -> None:
    copies = {path.name for path in COPIES.glob("*.md") if path.name != "README.md"}
    assert copies == EXPECTED
    for name in EXPECTED:
        copy = (COPIES / name).read_bytes()
        assert len(copy) > 1000, name
        original = SHARED / name
        if original.exists():  # beside the repository in CI and on developers' machines
            assert copy == original.read_bytes(), f"specs/{name} drifted from ../shared/specs/{name}"
