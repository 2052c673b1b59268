"""The data components' grant_* methods: least-privilege statements on the component's own ARNs and keys.

Each method only reads a few attributes of its component, so it is exercised on a stand-in carrying those
attributes as plain ARNs (the shapes AWS gives them); the serialized statements are what an identity policy holds.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pulumi
import pytest

from components.data.database import Database
from components.data.lake import DataLake
from components.data.search import SearchDomain
from components.data.stream import EventStream
from components.policy_document import PolicyDocument, Statement

REGION, ACCOUNT = "ap-northeast-2", "111122223333"
KEYS = {purpose: SimpleNamespace(arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{purpose}-key")
        for purpose in ("database", "search", "stream", "lake")}


def _document(statements: list[Statement]) -> pulumi.Output[list[dict[str, Any]]]:
    return PolicyDocument(statements).to_json().apply(lambda text: json.loads(text)["Statement"])


@pulumi.runtime.test
def test_lake_grant_read_lists_and_reads_under_a_prefix_with_the_lake_key() -> pulumi.Output[None]:
    lake = SimpleNamespace(bucket_arn="arn:aws:s3:::shop-ops-lake-111122223333", key=KEYS["lake"])

    def check(statements: list[dict[str, Any]]) -> None:
        listing, reading, decrypting = statements
        assert listing["Action"] == "s3:ListBucket" and listing["Resource"] == lake.bucket_arn
        assert listing["Condition"] == {"StringLike": {"s3:prefix": "events/*"}}
        assert reading["Resource"] == f"{lake.bucket_arn}/events/*"
        assert decrypting["Action"] == "kms:Decrypt" and decrypting["Resource"] == KEYS["lake"].arn
        assert decrypting["Condition"] == {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}

    return _document(DataLake.grant_read(lake, "events/")).apply(check)  # type: ignore[arg-type]


@pulumi.runtime.test
def test_stream_grants_write_and_read_through_kinesis_only() -> pulumi.Output[None]:
    stream = SimpleNamespace(stream_arn=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/shop-ops-events",
                             key=KEYS["stream"], region=REGION)

    def check(statements: list[dict[str, Any]]) -> None:
        put, encrypt, read, decrypt = statements
        assert {"kinesis:PutRecord", "kinesis:PutRecords"} <= set(put["Action"])
        assert not any(a.startswith("kinesis:Get") for a in put["Action"])
        assert encrypt["Action"] == "kms:GenerateDataKey" and encrypt["Resource"] == KEYS["stream"].arn
        assert {"kinesis:GetRecords", "kinesis:GetShardIterator"} <= set(read["Action"])
        assert not any(a.startswith("kinesis:Put") for a in read["Action"])
        assert all(s["Resource"] == stream.stream_arn for s in (put, read))
        assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": f"kinesis.{REGION}.amazonaws.com"}}

    statements = EventStream.grant_write(stream) + EventStream.grant_read(stream)  # type: ignore[arg-type]
    return _document(statements).apply(check)


@pulumi.runtime.test
def test_search_grant_query_names_paths_of_the_domain() -> pulumi.Output[None]:
    domain = SimpleNamespace(domain_arn=f"arn:aws:es:{REGION}:{ACCOUNT}:domain/shop-ops-search")

    def check(statements: list[dict[str, Any]]) -> None:
        [query] = statements
        assert query["Action"] == ["es:ESHttpGet", "es:ESHttpPost"]
        assert query["Resource"] == [f"{domain.domain_arn}/products/_search", f"{domain.domain_arn}/products/_doc/*"]

    statements = SearchDomain.grant_query(domain, ["products/_search", "/products/_doc/*"])  # type: ignore[arg-type]
    return _document(statements).apply(check)


def test_search_grant_query_refuses_the_whole_domain() -> None:
    domain = SimpleNamespace(domain_arn=f"arn:aws:es:{REGION}:{ACCOUNT}:domain/shop-ops-search")
    with pytest.raises(ValueError, match="would open the whole domain"):
        SearchDomain.grant_query(domain, ["*"])  # type: ignore[arg-type]


@pulumi.runtime.test
def test_database_grants_its_secret_and_iam_connect_as_one_user() -> pulumi.Output[None]:
    database = SimpleNamespace(
        secret_arn=f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!cluster-abc-AbCdEf", key=KEYS["database"],
        region=REGION, account_id=ACCOUNT, cluster_resource_id=pulumi.Output.from_input("cluster-ABCDEFGHIJ"))

    def check(statements: list[dict[str, Any]]) -> None:
        secret, decrypt, connect = statements
        assert secret["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
        assert secret["Resource"] == database.secret_arn
        assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}}
        assert connect == {"Effect": "Allow", "Action": "rds-db:connect",
                           "Resource": f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:cluster-ABCDEFGHIJ/shop_app"}

    statements = Database.grant_read_secret(database) + Database.grant_connect(database, "shop_app")  # type: ignore[arg-type]
    return _document(statements).apply(check)


def test_database_grant_connect_refuses_a_pattern_for_a_user() -> None:
    database = SimpleNamespace(region=REGION, account_id=ACCOUNT, cluster_resource_id="cluster-X")
    with pytest.raises(ValueError, match="is not a database user name"):
        Database.grant_connect(database, "*")  # type: ignore[arg-type]


def test_the_validator_needs_only_what_the_lambda_runtime_has() -> None:
    source = Path(__file__).resolve().parent.parent / "functions" / "restore_validation"
    allowed = set(sys.stdlib_module_names) | {"boto3", "botocore"}
    imported = set()
    for path in source.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported and imported <= allowed, imported - allowed
