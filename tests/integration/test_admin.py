"""The admin command against a moto store: tenants, keys shown once and stored hashed, config load."""

import json

import pytest

from parley import admin, aws
from parley.tenants.authentication import KeyAuthenticator
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.scopes import SECRET_SCOPES
from tests.helpers.paths import ROOT


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = admin.main(list(argv))
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


@pytest.fixture
def where(moto_resources) -> list[str]:
    return [
        "--tenants-table",
        moto_resources.tables["TenantsTable"],
        "--usage-plan-id",
        moto_resources.usage_plan_id,
    ]


def test_issue_list_and_revoke_a_key(where, moto_resources, capsys) -> None:
    assert _run(capsys, *where, "create-tenant", "acme", "Acme Outdoor")[0] == 0

    code, issued = _run(capsys, *where, "issue-key", "acme")
    assert code == 0
    key = issued["api_key"]
    assert key.startswith("pk_live_")

    repository = DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    assert KeyAuthenticator(repository, ttl_seconds=0).authenticate(key).tenant_id == "acme"
    stored = aws.dynamodb().scan(TableName=moto_resources.tables["TenantsTable"])["Items"]
    assert key not in json.dumps(stored)

    code, listing = _run(capsys, *where, "list-keys", "acme")
    assert listing["keys"] == [
        {
            "prefix": issued["prefix"],
            "kind": "secret",
            "scopes": sorted(SECRET_SCOPES),
            "status": "active",
            "created_at": listing["keys"][0]["created_at"],
            "revoked_at": None,
        }
    ]
    assert key not in json.dumps(listing)

    code, revoked = _run(capsys, *where, "revoke-key", "acme", issued["prefix"])
    assert code == 0
    assert "within 30 s" in revoked["note"]
    assert KeyAuthenticator(repository, ttl_seconds=0).authenticate(key) is None
    plan_keys = aws.client("apigateway").get_usage_plan_keys(usagePlanId=moto_resources.usage_plan_id)[
        "items"
    ]
    assert len(plan_keys) == 1


def test_issue_key_gives_a_publishable_key_or_a_secret_key_with_the_scopes_asked(where, capsys) -> None:
    assert _run(capsys, *where, "create-tenant", "acme", "Acme Outdoor")[0] == 0

    publishable = _run(capsys, *where, "issue-key", "acme", "--publishable")[1]
    runtime = _run(
        capsys, *where, "issue-key", "acme", "--scope", "runtime", "--scope", "configuration:read"
    )[1]

    assert publishable["api_key"].startswith("pub_live_") and publishable["scopes"] == ["turn"]
    assert runtime["kind"] == "secret" and runtime["scopes"] == ["configuration:read", "runtime"]
    assert admin.main([*where, "issue-key", "acme", "--scope", "everything"]) == 1
    assert "unknown scopes" in capsys.readouterr().err
    assert admin.main([*where, "issue-key", "acme", "--publishable", "--scope", "conversations"]) == 1
    assert "publishable key may hold only" in capsys.readouterr().err


def test_errors_are_one_line_and_exit_1(where, capsys) -> None:
    assert admin.main([*where, "issue-key", "nobody"]) == 1
    assert "TenantNotFound" in capsys.readouterr().err


def test_load_config_seeds_the_demo_tenant_and_its_fixed_key_only_locally(
    moto_resources, tmp_path, capsys
) -> None:
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps(
            {
                "endpoint_url": None,
                "region": "us-east-1",
                "tables": moto_resources.tables,
                "usage_plan_id": moto_resources.usage_plan_id,
            }
        )
    )

    code, loaded = _run(capsys, "--local-state", str(state), "load-config", str(ROOT / "tenants/demo"))
    again = _run(capsys, "--local-state", str(state), "load-config", str(ROOT / "tenants/demo"))[1]

    assert code == 0
    catalog = loaded.pop("catalog")
    deployment = loaded.pop("deployment")
    assert loaded == {
        "tenant_id": "demo",
        "tenant": "created",
        "local_api_key": "issued",
        "local_publishable_key": "issued",
    }
    assert deployment["deployment_key"] == "furniture-shop"
    assert deployment["intents"] == [
        "find_outdoor_table",
        "delivery_question",
        "returns_question",
        "talk_to_person",
    ]
    assert catalog["version"] == "0.9.0-beta.1"
    assert catalog["questions"] == 13
    assert again["local_api_key"] == "exists" and again["tenant"] == "exists"
    repository = DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    record = KeyAuthenticator(repository, ttl_seconds=0).authenticate("pk_test_demoDEMOdemoDEMOdemoDEMO01")
    assert record.tenant_id == "demo" and record.scopes == SECRET_SCOPES
    publishable = KeyAuthenticator(repository, ttl_seconds=0).authenticate(
        "pub_test_demoDEMOdemoDEMOdemoDEMO01"
    )
    assert (publishable.tenant_id, publishable.kind, publishable.scopes) == ("demo", "publishable", {"turn"})


def test_load_config_against_a_deployed_table_never_installs_the_demo_key(
    where, moto_resources, capsys
) -> None:
    code, loaded = _run(capsys, *where, "load-config", str(ROOT / "tenants/demo"))

    assert code == 0
    assert "local_api_key" not in loaded
    repository = DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    assert (
        KeyAuthenticator(repository, ttl_seconds=0).authenticate("pk_test_demoDEMOdemoDEMOdemoDEMO01") is None
    )


def test_a_bad_catalog_is_refused_before_anything_is_stored(where, moto_resources, tmp_path, capsys) -> None:
    (tmp_path / "tenant.yaml").write_text("tenant_id: shop\nname: Shop\n")
    (tmp_path / "catalog.yaml").write_text(
        "version: '1'\ncategories: {a: {detectors: [{keywords: [x]}]}}\n"
        "questions:\n"
        "  - {external_id: q1, text: '?', category: a}\n"
        "  - {external_id: q1, text: '?', category: a}\n"
    )

    assert admin.main([*where, "load-config", str(tmp_path)]) == 1

    assert "duplicate external_id 'q1'" in capsys.readouterr().err
    repository = DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    assert repository.get_tenant("shop") is None
