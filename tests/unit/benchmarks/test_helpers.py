"""Pure helpers of the benchmarks: synthetic NBQ inputs, percentiles, success checks."""

from __future__ import annotations

from benchmarks.common import percentile
from benchmarks.nbq_selection import QUESTIONS_PER_CATEGORY, synthetic_catalog_document, synthetic_history
from benchmarks.stack import succeeded
from parley.nbq.catalog import parse_catalog


def test_synthetic_catalog_is_valid_deterministic_and_sized() -> None:
    document = synthetic_catalog_document(1_000)
    catalog = parse_catalog(document)
    assert len(catalog.questions) == 1_000
    assert len(catalog.categories) == 1_000 // QUESTIONS_PER_CATEGORY
    assert synthetic_catalog_document(1_000) == document
    kinds = {d.kind for c in catalog.categories.values() for d in c.detectors}
    assert kinds == {"keywords", "money", "count"}
    assert any(q.requires_categories for q in catalog.questions)
    assert any(q.requires_mentions for q in catalog.questions)


def test_largest_synthetic_catalog_parses() -> None:
    assert len(parse_catalog(synthetic_catalog_document(10_000)).questions) == 10_000


def test_synthetic_history_is_seeded_sized_and_ends_with_the_user() -> None:
    history = synthetic_history(50, 2_000, seed=3, phrases=["teak table"])
    assert history == synthetic_history(50, 2_000, seed=3, phrases=["teak table"])
    assert history != synthetic_history(50, 2_000, seed=4, phrases=["teak table"])
    assert len(history) == 50
    assert all(len(text) == 2_000 for _, text in history)
    assert history[-1][0] == "user"
    assert {role for role, _ in history} == {"user", "assistant"}
    assert synthetic_history(1, 100, seed=1, phrases=[])[0][0] == "user"


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([float(n) for n in range(1, 2001)], 0.99) == 1980.0


def test_succeeded() -> None:
    assert succeeded({"statusCode": 200})
    assert succeeded({"statusCode": 202})
    assert not succeeded({"statusCode": 404})
    assert not succeeded({"statusCode": "200"})
    assert succeeded({"batchItemFailures": []})
    assert not succeeded({"batchItemFailures": [{"itemIdentifier": "x"}]})
    assert succeeded({"policyDocument": {"Statement": [{"Effect": "Allow"}]}})
    assert not succeeded({"policyDocument": {"Statement": [{"Effect": "Deny"}]}})
    assert not succeeded(None)
