"""The replay fixture both warm-benchmark test modules use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from benchmarks.stack import FAKE_AWS_ENV, environment
from benchmarks.warm import Replayer, hooked
from tests.helpers.replayed_table import TABLE, key


@pytest.fixture
def replay() -> Iterator[tuple[Replayer, Any]]:
    """A table with three items, two GetItems recorded, moto stopped with its data kept."""
    moto = mock_aws()
    replayer = Replayer(moto=moto)
    with environment(FAKE_AWS_ENV, remove=("AWS_ENDPOINT_URL", "AWS_PROFILE")), hooked(replayer):
        moto.start()
        try:
            client = boto3.session.Session().client("dynamodb", region_name="us-east-1")
            client.create_table(
                TableName=TABLE,
                KeySchema=[
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            for sk in ("DEPLOYMENT#shop", "NBQ#CATALOG", "NBQ#STATS"):
                client.put_item(TableName=TABLE, Item={**key(sk), "what": {"S": sk}})
            replayer.recording = True
            client.get_item(TableName=TABLE, Key=key("DEPLOYMENT#shop"))
            client.get_item(TableName=TABLE, Key=key("NBQ#CATALOG"))
            replayer.recording = False
        finally:
            moto.stop(remove_data=False)
        replayer.replaying = True
        try:
            yield replayer, client
        finally:
            moto.reset()
