"""The health checker's probes and cache."""

from botocore.exceptions import ClientError

from parley.health.service import HealthChecker, probe_for


class FakeDynamo:
    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.calls: list[str] = []

    def get_item(self, TableName: str, Key: dict, **_: object) -> dict:
        self.calls.append(TableName)
        if TableName in self.failing:
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "x"}}, "GetItem")
        return {}


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_health_reports_each_table_and_caches_for_a_few_seconds() -> None:
    client, clock = FakeDynamo(failing={"Conversations"}), Clock()
    checker = HealthChecker(
        lambda: client,
        {
            "tenants": probe_for("Tenants", ("pk", "sk")),
            "conversations": probe_for("Conversations", ("pk", "sk")),
        },
        clock=clock,
    )

    report = checker.check()
    checker.check()

    assert report.healthy is False
    assert report.tables == {"tenants": "ok", "conversations": "unavailable"}
    assert client.calls == ["Tenants", "Conversations"]

    clock.now += 6
    client.failing.clear()
    assert checker.check().healthy is True
    assert len(client.calls) == 4
