"""Fixtures: for the notifier a loopback stand-in for Slack and Secrets Manager with a fake clock; for curation
moto's server mode on a free loopback port, reset before each test."""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from functions.curation import api, ingest
from functions.slack_notifier import retry, token_secret

from .slack_stand_in import FakeClock, StandIn, environment, serving

REGION = "eu-west-1"
TABLE_NAME = "shop-dev-curation"
QUEUE_NAME = "shop-dev-curation-malformed"


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with serving() as server:
        yield server


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(retry, "now", fake.now)
    monkeypatch.setattr(retry, "sleep", fake.sleep)
    return fake


@pytest.fixture
def env(stand_in: StandIn, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The stand-in, the notifier's environment pointing at it, a fake clock and an empty token cache."""
    for name, value in environment(stand_in.url).items():
        monkeypatch.setenv(name, value)
    for name in ("DEFAULT_SEVERITY", "ACCOUNT_NAMES", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    token_secret.forget()
    yield stand_in
    token_secret.forget()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request drowns a failure's report
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Fake credentials, every boto3 client pointed at the server, and an empty server."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION,
                        "AWS_ENDPOINT_URL": moto_endpoint, "AWS_CONFIG_FILE": "/dev/null",
                        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    reset = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=10):
        pass
    ingest.ingest_from_env.cache_clear()
    api.table_from_env.cache_clear()
    yield moto_endpoint
    ingest.ingest_from_env.cache_clear()
    api.table_from_env.cache_clear()


@pytest.fixture
def dynamodb(aws: str) -> Any:
    return boto3.client("dynamodb")


@pytest.fixture
def sqs(aws: str) -> Any:
    return boto3.client("sqs")


@pytest.fixture
def table_name(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The curation table as the infrastructure creates it: partition key `item` (string)."""
    dynamodb.create_table(
        TableName=TABLE_NAME,
        KeySchema=[{"AttributeName": "item", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "item", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("TABLE_NAME", TABLE_NAME)
    return TABLE_NAME


@pytest.fixture
def queue_url(sqs: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    url: str = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
    monkeypatch.setenv("MALFORMED_QUEUE_URL", url)
    return url

