"""The AWS Organization: all features, trusted service access, OUs, and one account per configured entry."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumiverse_time as time

from components.service_quotas import QuotaTemplate
from components.waits import passed_through, wait_for
from config import StackConfig
from config.naming import aws_name
from config.organization import OrganizationalUnitConfig


class Organization(pulumi.ComponentResource):
    """The organization, its OUs (parents first) and its member accounts, which are protected and never closed.

    All three outlive a `pulumi destroy` (retained): an organization with accounts cannot be deleted, and an account
    is only ever closed by hand. Ids given in config (`organization.id`, `organizational_units[].id`,
    `accounts[].id`) adopt what exists (the `import` resource option) so the next `pulumi up` does not try to
    create them again.
    """

    def __init__(self, name: str, config: StackConfig, *, template_provider: aws.Provider | None = None,
                 opts: pulumi.ResourceOptions | None = None):
        """`template_provider` is the management account's provider in us-east-1, where the organization's quota
        request template lives; with it (and `quotas.template` set) the template is associated before any account
        is created, so AWS files its requests in each of them."""
        super().__init__("landing-zone:org:Organization", name, None, opts)
        org_config = config.organization
        organization = aws.organizations.Organization(
            name,
            feature_set="ALL",
            aws_service_access_principals=sorted(org_config.service_access_principals),
            enabled_policy_types=["SERVICE_CONTROL_POLICY", "TAG_POLICY"],
            # Deleting the organization would orphan every account: never without a deliberate unprotect.
            opts=pulumi.ResourceOptions(parent=self, protect=config.production, retain_on_delete=True,
                                        import_=org_config.id),
        )
        self.organization = organization
        self.root_id: pulumi.Output[str] = organization.roots.apply(lambda roots: roots[0].id)

        self.units: dict[str, aws.organizations.OrganizationalUnit] = {}
        for unit in _parents_first(org_config.organizational_units):
            parent_id = self.units[unit.parent].id if unit.parent else self.root_id
            self.units[unit.name] = aws.organizations.OrganizationalUnit(
                f"ou-{unit.name}",
                name=unit.name,
                parent_id=parent_id,
                # An OU that still holds (retained) accounts cannot be deleted: it stays for the next `up` too.
                opts=pulumi.ResourceOptions(parent=self, protect=config.production, retain_on_delete=True,
                                            import_=unit.id),
            )

        # Accounts created after the template's association get its requests: associate it first.
        self.quota_template: QuotaTemplate | None = None
        if template_provider is not None and config.quotas.template:
            self.quota_template = QuotaTemplate(
                "quota-template", config.quotas.template_requests(org_config.region), after=[organization],
                opts=pulumi.ResourceOptions(parent=self, providers=[template_provider]))
        templated = [self.quota_template.association] if self.quota_template is not None else []

        self.accounts: dict[str, aws.organizations.Account] = {}
        for account in config.accounts:
            self.accounts[account.name] = aws.organizations.Account(
                account.name,
                name=aws_name(org_config.name, account.name, kind="account"),
                email=account.email,
                role_name=account.role_name,
                parent_id=self.units[account.ou].id,
                close_on_deletion=False,
                iam_user_access_to_billing="DENY",
                tags={"Purpose": account.purpose} if account.purpose else None,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    # An account holds data and bills: removing it from the program never closes it (retained); in
                    # production it is also protected, while the sandbox must stay destroyable by `pulumi destroy`.
                    protect=config.production,
                    retain_on_delete=True,
                    # Organizations ignores these after creation; changing them would force a replacement.
                    ignore_changes=["roleName", "iamUserAccessToBilling"],
                    import_=account.id,
                    depends_on=templated,
                ),
            )

        # Everything in a new account waits until its access role can be assumed and its services are active:
        # the id reaches providers and policies only through the wait. An adopted account is ready, its id known.
        self.ready: dict[str, time.Sleep] = {
            account.name: wait_for(f"{account.name}-ready", "account", after=[self.accounts[account.name]],
                                   triggers={"account_id": self.accounts[account.name].id},
                                   opts=pulumi.ResourceOptions(parent=self))
            for account in config.accounts if account.id is None
        }
        self.account_ids: dict[str, pulumi.Input[str]] = {
            account.name: account.id if account.id is not None else passed_through(self.ready[account.name], "account_id")
            for account in config.accounts
        }
        self.register_outputs({"id": organization.id, "root_id": self.root_id, "account_ids": self.account_ids})


def _parents_first(units: list[OrganizationalUnitConfig]) -> list[OrganizationalUnitConfig]:
    ordered: list[OrganizationalUnitConfig] = []
    placed: set[str] = set()
    pending = list(units)
    while pending:
        ready = [unit for unit in pending if unit.parent is None or unit.parent in placed]
        if not ready:  # config checks reject cycles and unknown parents; stop rather than spin
            raise ValueError(f"organizational units without a reachable parent: {[u.name for u in pending]}")
        ordered.extend(ready)
        placed.update(unit.name for unit in ready)
        pending = [unit for unit in pending if unit not in ready]
    return ordered
