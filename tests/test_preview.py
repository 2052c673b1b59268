"""The offline preview's contract (docs/inventory.md): tree output, exit codes, and the JSON inventory."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pulumi
import pytest
from google.protobuf import json_format
from pulumi.runtime import rpc

import preview.__main__ as preview_main
from policy import rules
from preview.__main__ import main
from preview.mocks import LandingZoneMocks, RecordingMonitor, plain
from preview.run import Run
from preview.stackfile import SECRET_PLACEHOLDER, StackFileError, load

INVENTORY_KEYS = {"urn", "id", "type", "name", "parent", "custom", "account", "region", "protect", "retainOnDelete",
                  "dependencies", "provider", "ignoreChanges", "deleteBeforeReplace", "replaceOnChanges",
                  "customTimeouts", "importId", "aliases", "inputs"}


@pytest.fixture
def cached_runs(monkeypatch: pytest.MonkeyPatch, runs: dict[str, Run]) -> None:
    """The CLI on the session's runs of the program, so CLI tests don't re-run it."""
    monkeypatch.setattr(preview_main, "run", lambda stack, stack_file=None: runs[stack])


@pytest.fixture(scope="module")
def inventory_files(tmp_path_factory: pytest.TempPathFactory, runs: dict[str, Run]) -> dict[str, dict]:
    directory = tmp_path_factory.mktemp("inventory")
    documents = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(preview_main, "run", lambda stack, stack_file=None: runs[stack])
        for stack in ("dev", "prod"):
            target = directory / f"{stack}.json"
            assert main([stack, "--json", str(target)]) == 0
            documents[stack] = json.loads(target.read_text())
    return documents


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_inventory_follows_the_contract(stack: str, inventory_files: dict[str, dict]) -> None:
    document = inventory_files[stack]
    assert document["project"] == "landing-zone"
    assert document["stack"] == stack
    assert document["policy"] == {"violations": []}
    assert set(document["outputs"]) >= {"organization_id", "root_id", "account_ids"}
    resources = document["resources"]
    assert resources
    for resource in resources:
        assert set(resource) == INVENTORY_KEYS, resource["urn"]
        assert resource["urn"].startswith(f"urn:pulumi:{stack}::landing-zone::")
    urns = {r["urn"] for r in resources}
    for resource in resources:
        assert set(resource["dependencies"]) <= urns, resource["urn"]
        assert resource["urn"] not in resource["dependencies"]
        provider = resource["provider"]
        assert provider is None or (provider in urns and "pulumi:providers:" in provider)
    components = [r for r in resources if not r["custom"]]
    assert components and all(r["id"] is None and r["provider"] is None for r in components)
    aws_resources = [r for r in resources if r["custom"] and r["type"].startswith("aws:")]
    assert all(r["provider"] for r in aws_resources), "every AWS resource names its account's provider"
    assert {"landing-zone:org:Organization"} <= {r["type"] for r in components}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_ids_and_arns_are_unique_so_references_trace(stack: str, inventory_files: dict[str, dict]) -> None:
    resources = [r for r in inventory_files[stack]["resources"] if r["custom"]]
    ids = Counter(r["id"] for r in resources)
    assert [i for i, n in ids.items() if n > 1] == []
    by_id = {r["id"]: r for r in resources}
    for account in (r for r in resources if r["type"] == "aws:organizations/account:Account"):
        parent = by_id[account["inputs"]["parentId"]]
        assert parent["type"] == "aws:organizations/organizationalUnit:OrganizationalUnit"


def test_parents_are_registered_urns(inventory_files: dict[str, dict]) -> None:
    for document in inventory_files.values():
        urns = {r["urn"] for r in document["resources"]}
        for resource in document["resources"]:
            parent = resource["parent"]
            assert parent is None or parent in urns or parent.split("::")[2] == "pulumi:pulumi:Stack"


def test_tree_lists_each_account_with_counts(cached_runs: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prod"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Previewing landing-zone/prod offline: ")
    for account in ("management", "network", "build", "dev", "ops"):
        assert f"\naccount {account} (ap-northeast-2): " in out
    assert "landing-zone:org:Organization organization  [" in out
    assert "   4 x aws:organizations/account:Account" in out
    assert "\nPolicy: " in out and "rules, no violations.\n" in out
    assert out.rstrip().splitlines()[-1].startswith("Resources: + ")  # as pulumi preview closes


def test_mandatory_violation_exits_1(cached_runs: None, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    def no_accounts(resource: rules.Resource):
        if resource.type == "aws:organizations/account:Account":
            yield "accounts are forbidden in this test"

    rule = rules.ResourceRule("test-no-accounts", "test", "mandatory", no_accounts)
    monkeypatch.setattr(rules, "RESOURCE_RULES", [*rules.RESOURCE_RULES, rule])
    assert main(["dev"]) == 1
    out = capsys.readouterr().out
    assert "4 mandatory and 0 advisory violations" in out
    assert "[mandatory] test-no-accounts: accounts are forbidden in this test" in out


def test_advisory_violation_does_not_fail(cached_runs: None, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rule = rules.ResourceRule("test-advice", "test", "advisory",
                              lambda r: ["consider it"] if r.type.endswith(":Organization") else [])
    monkeypatch.setattr(rules, "RESOURCE_RULES", [*rules.RESOURCE_RULES, rule])
    assert main(["dev"]) == 0
    assert "0 mandatory and 1 advisory violations" in capsys.readouterr().out


def test_stack_file_is_read_like_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("config:\n  aws:region: ap-northeast-2\n  landing-zone:thing:\n    a: [1, true]\n"
                    "  landing-zone:flag: true\n  plain: 3\n  landing-zone:token:\n    secure: AAABBB\n"
                    "  landing-zone:nested:\n    inner:\n      secure: CCC\n")
    with pytest.raises(StackFileError, match="write `landing-zone:plain` for `plain`"):
        load(path, "landing-zone")  # the engine refuses a key without a namespace
    path.write_text(path.read_text().replace("  plain: 3\n", "  landing-zone:plain: 3\n"))
    values, secret_keys = load(path, "landing-zone")
    assert values["landing-zone:thing"] == '{"a": [1, true]}'
    assert values["landing-zone:flag"] == "true"
    assert values["landing-zone:plain"] == "3"
    assert values["landing-zone:token"] == SECRET_PLACEHOLDER
    assert json.loads(values["landing-zone:nested"]) == {"inner": SECRET_PLACEHOLDER}
    assert sorted(secret_keys) == ["landing-zone:nested", "landing-zone:token"]


@pytest.fixture
def mocked() -> None:
    """The preview's own mocks, so secrets serialize as the engine would see them."""
    mocks = LandingZoneMocks(region="ap-northeast-2", management_account_id="111111111111")
    pulumi.runtime.set_mocks(mocks, project="landing-zone", stack="dev", monitor=RecordingMonitor(mocks))


@pulumi.runtime.test
def test_secrets_are_masked_in_the_inventory(mocked: None):
    async def serialized() -> dict:
        return await rpc.serialize_properties({"password": pulumi.Output.secret("hunter2"), "port": 5432,
                                               "list": [pulumi.Output.secret("x"), "y"]}, {})

    def check(struct) -> None:
        shown = plain(json_format.MessageToDict(struct))
        assert shown == {"password": "[secret]", "port": 5432, "list": ["[secret]", "y"]}

    return pulumi.Output.from_input(serialized()).apply(check)


def test_dependencies_record_inputs_and_explicit_depends_on(inventory_files: dict[str, dict]) -> None:
    by_name = {(r["type"], r["name"]): r for r in inventory_files["prod"]["resources"]}
    share = by_name["aws:ram/principalAssociation:PrincipalAssociation", "transit-hub-share-organization"]
    resource_share = by_name["aws:ram/resourceShare:ResourceShare", "transit-hub-share"]
    organization = by_name["aws:organizations/organization:Organization", "organization"]
    assert resource_share["urn"] in share["dependencies"]  # from its input resourceShareArn
    assert organization["urn"] in share["dependencies"]  # from its input principal
