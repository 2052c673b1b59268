"""The grant_* statement builders: scoped to exactly the resource given, and clean under parliament."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.grants import (
    grant_invoke_function_url,
    grant_query_search,
    grant_read_bucket,
    grant_read_secret,
    grant_read_stream,
    grant_send_templated_email,
    grant_write_stream,
)
from components.policy_document import PolicyDocument, Statement
from tests.policy_lint import lint, unexplained

BUCKET = "arn:aws:s3:::shop-ops-curated"
KEY = "arn:aws:kms:ap-northeast-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STREAM = "arn:aws:kinesis:ap-northeast-2:444455556666:stream/shop-ops-clicks"
DOMAIN = "arn:aws:es:ap-northeast-2:444455556666:domain/shop-ops-search"
IDENTITY = "arn:aws:ses:ap-northeast-2:444455556666:identity/mail.shop.example"
CONFIGURATION_SET = "arn:aws:ses:ap-northeast-2:444455556666:configuration-set/shop-ops-mail"
SECRET = "arn:aws:secretsmanager:ap-northeast-2:444455556666:secret:shop-ops-db-AbCdEf"
FUNCTION = "arn:aws:lambda:ap-northeast-2:444455556666:function:shop-ops-curation-api"


def _json(statements: list[Statement]) -> pulumi.Output[dict]:
    return PolicyDocument(statements).to_json().apply(json.loads)


def _check(statements: list[Statement], expected: list[dict]) -> pulumi.Output[None]:
    """The document equals `expected` (Version aside), parliament has nothing to say at MEDIUM or above,
    and no statement reaches beyond the resource: no `*` resource."""

    def verify(document: dict) -> None:
        assert document["Statement"] == expected
        assert unexplained(lint(json.dumps(document))) == []
        for statement in document["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert "*" not in resources

    return _json(statements).apply(verify)


@pulumi.runtime.test
def test_read_bucket_lists_and_gets_objects_and_decrypts_through_s3_only() -> pulumi.Output[None]:
    return _check(grant_read_bucket(BUCKET, KEY), [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"{BUCKET}/*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY,
         "Condition": {"StringEquals": {"kms:ViaService": "s3.ap-northeast-2.amazonaws.com"}}},
    ])


@pulumi.runtime.test
def test_read_bucket_under_a_prefix_lists_and_gets_only_that_prefix() -> pulumi.Output[None]:
    return _check(grant_read_bucket(BUCKET, prefix="/exports/"), [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET,
         "Condition": {"StringLike": {"s3:prefix": "exports/*"}}},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"{BUCKET}/exports/*"},
    ])


@pulumi.runtime.test
def test_read_bucket_takes_outputs() -> pulumi.Output[None]:
    bucket, key = pulumi.Output.from_input(BUCKET), pulumi.Output.from_input(KEY)
    return _json(grant_read_bucket(bucket, key)).apply(
        lambda doc: assert_resources(doc, [BUCKET, f"{BUCKET}/*", KEY]))


def assert_resources(document: dict, expected: list[str]) -> None:
    assert [statement["Resource"] for statement in document["Statement"]] == expected


@pulumi.runtime.test
def test_write_stream_puts_records_and_encrypts_through_kinesis_only() -> pulumi.Output[None]:
    return _check(grant_write_stream(STREAM, KEY), [
        {"Effect": "Allow", "Action": ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord",
                                       "kinesis:PutRecords"], "Resource": STREAM},
        {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": KEY,
         "Condition": {"StringEquals": {"kms:ViaService": "kinesis.ap-northeast-2.amazonaws.com"}}},
    ])


@pulumi.runtime.test
def test_read_stream_consumes_and_decrypts_through_kinesis_only() -> pulumi.Output[None]:
    return _check(grant_read_stream(STREAM, KEY), [
        {"Effect": "Allow", "Action": ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                                       "kinesis:GetShardIterator", "kinesis:ListShards"],
         "Resource": STREAM},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY,
         "Condition": {"StringEquals": {"kms:ViaService": "kinesis.ap-northeast-2.amazonaws.com"}}},
    ])


@pulumi.runtime.test
def test_invoke_function_url_calls_one_function_through_its_iam_url_only() -> pulumi.Output[None]:
    return _check(grant_invoke_function_url(FUNCTION), [
        {"Effect": "Allow", "Action": "lambda:InvokeFunctionUrl", "Resource": FUNCTION,
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": FUNCTION,
         "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}},
    ])


@pulumi.runtime.test
def test_query_search_reaches_only_the_named_paths() -> pulumi.Output[None]:
    return _check(grant_query_search(DOMAIN, ["products/_search", "/suggestions/_search/"], ["GET", "post"]), [
        {"Effect": "Allow", "Action": ["es:ESHttpGet", "es:ESHttpPost"],
         "Resource": [f"{DOMAIN}/products/_search", f"{DOMAIN}/suggestions/_search"]},
    ])


@pulumi.runtime.test
def test_send_templated_email_from_one_address_with_named_templates() -> pulumi.Output[None]:
    template_arn = "arn:aws:ses:ap-northeast-2:444455556666:template/coupon"
    return _check(grant_send_templated_email(IDENTITY, ["welcome", template_arn], CONFIGURATION_SET,
                                             from_address="shop@mail.shop.example"), [
        {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendTemplatedEmail"],
         "Resource": [IDENTITY, CONFIGURATION_SET, "arn:aws:ses:ap-northeast-2:444455556666:template/welcome", template_arn],
         "Condition": {"StringEquals": {"ses:FromAddress": "shop@mail.shop.example"}}},
    ])


@pulumi.runtime.test
def test_read_secret_reads_one_secret_and_decrypts_through_secrets_manager_only() -> pulumi.Output[None]:
    return _check(grant_read_secret(SECRET, KEY), [
        {"Effect": "Allow", "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
         "Resource": SECRET},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY,
         "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.ap-northeast-2.amazonaws.com"}}},
    ])


@pulumi.runtime.test
def test_read_secret_without_a_customer_key_grants_no_kms() -> pulumi.Output[None]:
    return _json(grant_read_secret(SECRET)).apply(lambda doc: assert_resources(doc, [SECRET]))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: grant_read_bucket("*"), "not the ARN of one s3 resource"),
    (lambda: grant_read_bucket(f"{BUCKET}/exports"), "names objects"),
    (lambda: grant_read_bucket(BUCKET, prefix="exports/*"), "literal key prefix"),
    (lambda: grant_read_bucket(BUCKET, key_arn="arn:aws:kms:ap-northeast-2:444455556666:key/*"), "one kms resource"),
    (lambda: grant_write_stream(DOMAIN, KEY), "one kinesis resource"),
    (lambda: grant_read_stream(DOMAIN, KEY), "one kinesis resource"),
    (lambda: grant_invoke_function_url(STREAM), "one lambda resource"),
    (lambda: grant_query_search(DOMAIN, []), "at least one path"),
    (lambda: grant_query_search(DOMAIN, ["*"]), "whole domain"),
    (lambda: grant_query_search(DOMAIN, ["products/_search"], ["DELETE"]), "do not query"),
    (lambda: grant_send_templated_email(IDENTITY, [], CONFIGURATION_SET, from_address="a@b.example"), "at least one template"),
    (lambda: grant_send_templated_email(IDENTITY, ["welcome"], CONFIGURATION_SET, from_address="shop"), "not an e-mail address"),
    (lambda: grant_send_templated_email(IDENTITY, ["bad name"], CONFIGURATION_SET, from_address="a@b.example"), "neither an ARN"),
    (lambda: grant_read_secret("arn:aws:secretsmanager:ap-northeast-2:444455556666:secret:*"), "one secretsmanager"),
])
def test_grants_refuse_what_is_not_one_resource(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
