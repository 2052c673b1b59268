"""What a person meets first when making the stack files their own: encodings, unquoted ids, keys without a
namespace, provider settings that do not exist, typos, and problems listed causes first. Each exits 2 with the
file or the YAML path named, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from preview import stackfile
from preview.__main__ import main
from tests.stackfiles import fixture_path, write_stack_file

FIXTURE = fixture_path("dev").read_text(encoding="utf-8")


def _preview(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["dev", "--stack-file", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return status, captured.err


@pytest.mark.parametrize(("encode", "said"), [
    (lambda text: text.encode("utf-16"), "UTF-16 (little-endian)"),  # PowerShell's `>` and Out-File
    (lambda text: text.replace("sandbox organization", "sandbox organisation, café").encode("latin-1"), "line 2"),
    (lambda text: b"\x00\x01\x02binary\xff" * 20, "binary"),
])
def test_a_stack_file_that_is_not_utf8_is_named_and_exits_2(encode, said: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_bytes(encode(FIXTURE))
    status, err = _preview(path, capsys)
    assert status == 2
    assert err.startswith("invalid stack file: Pulumi.dev.yaml: not UTF-8") and said in err


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FIXTURE.encode("utf-8"))
    assert stackfile.load(path, "landing-zone") == stackfile.load(fixture_path("dev"), "landing-zone")


@pytest.mark.parametrize(("written", "expected"), [
    ("123456789012", '`123456789012` is a number; account ids are strings of 12 digits: quote it, "123456789012"'),
    ("012345670123", 'YAML read the unquoted id 012345670123 as the octal number 1402433619; quote it: "012345670123"'),
])
def test_an_unquoted_account_id_says_to_quote_it(written: str, expected: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(FIXTURE.replace('management_account_id: "111111111111"', f"management_account_id: {written}"))
    status, err = _preview(path, capsys)
    assert status == 2
    assert f"landing-zone:organization.management_account_id: {expected}" in err


def test_a_key_without_a_namespace_is_refused_as_pulumi_refuses_it(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(FIXTURE.replace("config:\n", "config:\n  network: {}\n", 1))
    status, err = _preview(path, capsys)
    assert status == 2
    assert "config keys need a namespace" in err and "write `landing-zone:network` for `network`" in err


def test_an_unknown_aws_setting_is_a_config_error_with_the_near_one(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write_stack_file(tmp_path, "dev", sets={"aws:regoin": "ap-northeast-2"})
    status, err = _preview(path, capsys)
    assert status == 2
    assert "aws:regoin: the AWS provider has no setting `regoin`; did you mean `region`?" in err


def test_a_typo_names_the_near_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_stack_file(tmp_path, "dev", sets={"landing-zone:organization.availabilty_zones": ["x"]})
    status, err = _preview(path, capsys)
    assert status == 2
    assert "landing-zone:organization.availabilty_zones: unknown key `availabilty_zones`; did you mean " \
           "`availability_zones`?" in err


def test_a_root_cause_comes_before_its_consequences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_stack_file(tmp_path, "dev", sets={"landing-zone:organization.region": "us-east-9"})
    status, err = _preview(path, capsys)
    assert status == 2
    problems = [line.strip() for line in err.splitlines()[1:] if line.strip()]
    assert problems[0].startswith("landing-zone:organization.region: `us-east-9` is not an AWS region")
    assert len(problems) > 2 and all("us-east-9" in problem for problem in problems)
