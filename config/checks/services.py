"""Checks of `landing-zone:services` against the rest of the stack config, and of what it deploys as is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from aws_facts.accounts import MANAGEMENT
from aws_facts.secret_text import looks_like_secret
from config import email_templates
from config.base import Sections
from config.errors import Problem
from config.services import ServicesConfig
from config.switches import switched_on

ROOT = Path(__file__).resolve().parent.parent


def service_accounts(sections: Sections) -> Iterator[Problem]:
    """Services go only in configured member accounts, never `management`; reports
    `landing-zone:services.<account>`."""
    accounts = [account.name for account in sections["accounts"]]
    for name in sections["services"]:
        if name not in accounts:
            why = "the management account runs no workloads" if name == MANAGEMENT else "it is not a configured account"
            yield Problem(f"services.{name}", f"`{name}` cannot hold services: {why}; use one of {accounts}")


def web_needs_a_vpc(sections: Sections) -> Iterator[Problem]:
    """A web service needs its account's VPC; reports `landing-zone:services.<account>.web.enabled` without one."""
    services: dict[str, ServicesConfig] = sections["services"]
    for name, account in services.items():
        if account.web.enabled and name not in sections["network"].vpcs:
            yield Problem(f"services.{name}.web.enabled",
                          f"the web service needs a VPC; add landing-zone:network.vpcs.{name} or disable it")


def web_security_groups(sections: Sections) -> Iterator[Problem]:
    """Web instances use a private group of the account's VPC, the load balancer a public one (named unless just one);
    reports `landing-zone:services.<account>.web.instance_security_group` or `.load_balancer_security_group`."""
    network = sections["network"]
    services: dict[str, ServicesConfig] = sections["services"]
    for name, account in services.items():
        web = account.web
        if not web.enabled or name not in network.vpcs:
            continue
        groups = network.groups_of(name)
        path = f"services.{name}.web"
        instance = groups.get(web.instance_security_group)
        if instance is None:
            yield Problem(f"{path}.instance_security_group", f"`{web.instance_security_group}` is not a security group "
                          f"of the {name} VPC; use one of {sorted(groups)}")
        elif instance.public:
            yield Problem(f"{path}.instance_security_group", f"`{web.instance_security_group}` is a public group; "
                          "instances sit behind the load balancer in a private group")
        public = sorted(group for group, spec in groups.items() if spec.public)
        chosen = web.load_balancer_security_group
        if chosen is not None and chosen not in public:
            yield Problem(f"{path}.load_balancer_security_group",
                          f"`{chosen}` is not a public security group of the {name} VPC; use one of {public}")
        elif chosen is None and len(public) != 1:
            yield Problem(f"{path}.load_balancer_security_group",
                          f"the {name} VPC has {len(public)} public security groups {public}; name the load "
                          "balancer's here")


def certificate_of_the_account(sections: Sections) -> Iterator[Problem]:
    """ACM certificates are regional and belong to one account: a load balancer uses one of its own account and
    region (the account checked here where config knows its id, by the policy rule once AWS has assigned it)."""
    region = sections["organization"].region
    known_ids = {account.name: account.id for account in sections["accounts"] if account.id}
    services: dict[str, ServicesConfig] = sections["services"]
    for name, account in services.items():
        certificate_region = account.web.certificate_region
        if certificate_region is not None and certificate_region != region:
            yield Problem(f"services.{name}.web.certificate_arn",
                          f"the certificate is in {certificate_region}, but a load balancer can only use one from "
                          f"its own region {region}; request or import the certificate in {region}")
        owner = account.web.certificate_account
        if owner is not None and name in known_ids and owner != known_ids[name]:
            yield Problem(f"services.{name}.web.certificate_arn",
                          f"the certificate belongs to account {owner}, but {name} is {known_ids[name]}; a load "
                          f"balancer can only use a certificate of its own account: request one in {name}")


def no_secrets_in_variables(sections: Sections) -> Iterator[Problem]:
    """Web environment variables hold no secrets; reports `landing-zone:services.<account>.web.variables.<name>` for
    one that looks like a secret."""
    services: dict[str, ServicesConfig] = sections["services"]
    for name, account in services.items():
        for variable, value in account.web.variables.items():
            reason = looks_like_secret(variable, value)
            if reason:
                yield Problem(f"services.{name}.web.variables.{variable}",
                              f"{reason}; keep secrets in Secrets Manager and give the app the secret's ARN")


def deployable_email_templates(sections: Sections) -> Iterator[Problem]:
    """When an account sends e-mail, the e-mail templates validate; reports each template problem at
    `landing-zone:services.<account>.email` of the first sender."""
    services: dict[str, ServicesConfig] = sections["services"]
    senders = [name for name, account in services.items() if account.email.enabled]
    if not senders:
        return
    # A broken template must stop the run before anything is built, like any other bad input.
    directory = email_templates.TEMPLATES_DIR
    shown = directory.relative_to(ROOT) if directory.is_relative_to(ROOT) else directory
    for problem in email_templates.validate(directory):
        yield Problem(f"services.{senders[0]}.email",
                      f"cannot deploy the e-mail templates in {shown}/: {problem} Fix the template, or declare the "
                      f"variable in {email_templates.MANIFEST}")


def services_need_the_data_tier(sections: Sections) -> Iterator[Problem]:
    """Curation needs the account's data stream and lake, and web instances the data tier's app security group;
    reports `landing-zone:services.<account>.curation.enabled` or `.web.instance_security_group`."""
    data = sections["data"]
    services: dict[str, ServicesConfig] = sections["services"]
    for name, account in services.items():
        tier = data.get(name)
        if account.curation.enabled and (tier is None or not (tier.stream.enabled and tier.lake.enabled)):
            yield Problem(f"services.{name}.curation.enabled",
                          f"the curation service reads the data tier's event stream; enable "
                          f"landing-zone:data.{name}.stream (and its lake), or disable curation")
        uses_data = tier is not None and (tier.database.enabled or tier.search.enabled)
        if account.web.enabled and uses_data and tier.app_security_group != account.web.instance_security_group:
            yield Problem(f"services.{name}.web.instance_security_group",
                          f"`{account.web.instance_security_group}` differs from landing-zone:data.{name}."
                          f"app_security_group (`{tier.app_security_group}`), the group Aurora and OpenSearch admit; "
                          "use the same group")


# Which alarm kinds the services switch on, per account (monitoring refuses thresholds for kinds nobody runs).
@switched_on("beanstalk", "services")
def _web_on(sections: Sections, account: str) -> bool:
    services: dict[str, ServicesConfig] = sections["services"]
    return account in services and services[account].web.enabled


@switched_on("ses", "services")
def _email_on(sections: Sections, account: str) -> bool:
    services: dict[str, ServicesConfig] = sections["services"]
    return account in services and services[account].email.enabled
