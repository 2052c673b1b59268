"""`landing-zone:identity` checks beyond the bad-config corpus: each problem is named by its path."""

from __future__ import annotations

from typing import Any

import pytest

import config
from tests.stackfiles import config_sections


def problems(sections: dict[str, Any]) -> list[str]:
    with pytest.raises(config.ConfigError) as caught:
        config.validate(sections)
    return [str(problem) for problem in caught.value.problems]


def test_both_stack_files_are_valid() -> None:
    for stack in ("dev", "prod"):
        settings = config.validate(config_sections(stack))
        assert settings.identity.oidc is not None and settings.identity.users


def test_a_user_must_be_console_or_programmatic_and_unique() -> None:
    sections = config_sections("dev")
    sections["identity"]["users"] += [{"name": "ghost", "groups": ["billing"]},
                                       {"name": "Mina.Kim", "groups": ["billing"], "console": True},
                                       {"name": "bot", "groups": ["billing"], "programmatic": True, "pgp_key": "keybase:x"}]
    found = problems(sections)
    assert any(p.startswith("landing-zone:identity.users[4]: `ghost` is neither console nor programmatic") for p in found)
    assert any(p.startswith("landing-zone:identity.users[5].name: `Mina.Kim` is already identity.users[0]") for p in found)
    assert any(p.startswith("landing-zone:identity.users[6].pgp_key: only console users") for p in found)


def test_bounded_role_creation_and_administrator_stay_where_they_belong() -> None:
    sections = config_sections("dev")
    sections["identity"]["groups"] = {"infra-admins": {"permission_sets": ["administrator"]},
                                      "developers": {"permission_sets": ["create-bounded-roles"]}}
    sections["identity"]["users"] = []
    sections["identity"]["roles"] = {"Admin": {"permission_sets": ["administrator"]},
                                     "Helper": {"permission_sets": ["administrator"], "accounts": ["qa"]}}
    sections["identity"]["deploy"] = {"permission_sets": ["administrator", "create-bounded-roles"],
                                      "accounts": ["dev", "build", "staging"]}
    found = problems(sections)
    for expected in [
        "landing-zone:identity.groups.developers.permission_sets[0]: `create-bounded-roles` needs the developer boundary",
        "landing-zone:identity.roles.Helper.permission_sets[0]: `administrator` is for the `Admin` role alone",
        "landing-zone:identity.roles.Helper.accounts[0]: `qa` is not a configured account",
        "landing-zone:identity.deploy.permission_sets[0]: deploy roles never get `administrator`",
        "landing-zone:identity.deploy.permission_sets[1]: `create-bounded-roles` needs the developer boundary",
        "landing-zone:identity.deploy.accounts[1]: `build` holds the pipeline itself",
        "landing-zone:identity.deploy.accounts[2]: `staging` is not a configured account",
    ]:
        assert any(p.startswith(expected) for p in found), expected


@pytest.mark.parametrize(("value", "message"), [
    ("http://token.actions.githubusercontent.com", "is not an https issuer URL"),
    ("https://token.actions.githubusercontent.com/", "is not an https issuer URL"),
])
def test_the_oidc_issuer_is_an_https_url(value: str, message: str) -> None:
    sections = config_sections("dev")
    sections["identity"]["oidc"]["url"] = value
    assert any(p.startswith("landing-zone:identity.oidc.url: ") and message in p for p in problems(sections))


def test_without_oidc_the_deploy_accounts_are_not_checked() -> None:
    sections = config_sections("dev")
    del sections["identity"]["oidc"]
    sections["identity"]["deploy"] = {"accounts": ["staging"]}
    assert config.validate(sections).identity.oidc is None
