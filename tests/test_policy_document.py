"""PolicyDocument.to_json: the same text, secrecy, knowledge and dependencies as Pulumi's own deep unwrapping."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pulumi
import pytest

from components.policy_document import PolicyDocument, Statement

BUCKET = "arn:aws:s3:::shop-ops-curated"
KEY = "arn:aws:kms:ap-northeast-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::444455556666:role/shop-ops-app"


def _done(value: Any) -> asyncio.Future[Any]:
    future = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


def _output(value: Any, *, known: bool = True, secret: bool = False, resources: tuple[str, ...] = ()) -> pulumi.Output:
    """An Output as a resource attribute would be; `resources` stand in for the resources it was built from."""
    return pulumi.Output(set(resources), _done(value), _done(known), _done(secret))  # type: ignore[arg-type]


def _document(key: pulumi.Output[str]) -> PolicyDocument:
    """Outputs in principals, resources and condition lists, beside plain strings, in nested statements."""
    return PolicyDocument((
        Statement("Allow", actions=["s3:GetObject", "s3:ListBucket"], sid="Read",
                  resources=[_output(BUCKET, resources=("bucket",)), pulumi.Output.concat(BUCKET, "/*")],
                  principals={"AWS": [_output(ROLE, resources=("role",)), "arn:aws:iam::444455556666:root"]}),
        Statement("Allow", actions=["kms:Decrypt"], resources=[key],
                  conditions={"StringEquals": {"kms:ViaService": ["s3.ap-northeast-2.amazonaws.com"],
                                               "aws:PrincipalArn": [_output(ROLE, resources=("role",)), ROLE]}}),
    ))


def _unwrapped(document: PolicyDocument) -> pulumi.Output[str]:
    """The document through Pulumi's own deep unwrapping: an Output per node, then the same serialization."""
    return pulumi.Output.from_input(document.as_input()).apply(lambda d: json.dumps(d, separators=(",", ":")))


@pytest.mark.parametrize(("secret", "known"), [(False, True), (True, True), (False, False)])
@pulumi.runtime.test
def test_to_json_is_pulumis_deep_unwrapping_with_fewer_outputs(secret: bool, known: bool) -> pulumi.Output[None]:
    document = _document(_output(KEY, known=known, secret=secret, resources=("key",)))

    async def compare() -> None:
        ours, theirs = document.to_json(), _unwrapped(document)
        assert await ours.is_known() is await theirs.is_known() is known
        assert await ours.is_secret() is await theirs.is_secret() is secret
        assert await ours.resources() == await theirs.resources() == {"bucket", "role", "key"}
        if known:
            text = await ours.future()
            assert text == await theirs.future()
            [read, decrypt] = json.loads(text)["Statement"]
            assert read["Resource"] == [BUCKET, f"{BUCKET}/*"] and decrypt["Resource"] == KEY
            assert decrypt["Condition"]["StringEquals"]["aws:PrincipalArn"] == [ROLE, ROLE]

    return pulumi.Output.from_input(compare())


@pulumi.runtime.test
def test_a_document_of_plain_strings_is_known_and_has_no_dependencies() -> pulumi.Output[None]:
    document = PolicyDocument((Statement("Deny", actions=["s3:*"], resources=[BUCKET], sid="NoS3"),))

    async def check() -> None:
        output = document.to_json()
        assert await output.is_known() and not await output.is_secret() and await output.resources() == set()
        assert await output.future() == document.to_static_json()

    return pulumi.Output.from_input(check())
