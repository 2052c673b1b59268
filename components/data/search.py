"""The OpenSearch product-search domain: in the data subnets across AZs, encrypted at rest and in transit, HTTPS
only, fine-grained access control, logs to KMS-encrypted groups, and an access policy that admits only the app role."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components import grants
from components.data.keys import DataKeys
from components.data.log_groups import log_groups
from components.home import Home, account_root_arn
from components.policy_document import PolicyDocument, Statement
from components.security_groups import SecurityGroup, connect, tcp
from components.vpc import Vpc
from components.waits import wait_for
from config.data import SearchConfig
from config.data_limits import OPENSEARCH_TLS_POLICY
from config.naming import aws_name

LOG_TYPES = {"AUDIT_LOGS": "audit", "SEARCH_SLOW_LOGS": "search-slow", "INDEX_SLOW_LOGS": "index-slow",
             "ES_APPLICATION_LOGS": "error"}
HTTP_ACTIONS = ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpPatch",
                "es:ESHttpDelete")


class SearchDomain(pulumi.ComponentResource):
    """The account's product-search domain; `app_role_arn` queries it, `admin_role_arn` is its security admin."""

    def __init__(self, name: str, spec: SearchConfig, home: Home, *, vpc: Vpc, app: SecurityGroup, keys: DataKeys,
                 app_role_arn: pulumi.Input[str], admin_role_arn: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        """In `vpc`'s data subnets, reachable from the `app` group; `keys` gives the search and logs keys."""
        super().__init__("landing-zone:data:SearchDomain", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key, logs_key = keys["search"], keys["logs"]
        org, account, account_id, region, production = (home.org, home.account, home.account_id, home.region,
                                                         home.production)
        self.key = key
        self.domain_name = aws_name(org, account, "search", kind="opensearch-domain")
        zones = spec.zone_count(production)
        self.zones = vpc.zones[:zones]
        masters = spec.masters_enabled(production)
        domain_arn = pulumi.Output.concat("arn:aws:es:", region, ":", account_id, ":domain/", self.domain_name)

        self.security_group = SecurityGroup(f"{name}-sg", vpc_id=vpc.vpc_id, group_name=aws_name(org, account, "search"),
                                            description="OpenSearch product search: HTTPS from the app tier only",
                                            opts=child)
        connect(app, self.security_group, tcp(443), description="app tier to OpenSearch over HTTPS")
        groups = log_groups(name, [f"/aws/opensearch/{self.domain_name}/{kind}" for kind in LOG_TYPES.values()],
                            spec.log_retention_days, key=logs_key, production=production, parent=self)
        log_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-log-policy", policy_name=aws_name(org, account, "search-logs"),
            policy_document=_log_delivery_policy([group.arn for group in groups], account_id, domain_arn).to_json(),
            opts=child)
        # A VPC domain needs OpenSearch's service-linked role, which a new account does not have yet.
        linked_role = aws.iam.ServiceLinkedRole(f"{name}-service-role", aws_service_name="opensearchservice.amazonaws.com",
                                                description="OpenSearch manages the domain's network interfaces",
                                                opts=child)
        # OpenSearch refuses a VPC domain until it can use its new role, which takes a while after it is created.
        linked_role_ready = wait_for(f"{name}-service-role-ready", "service-linked-role", after=[linked_role], opts=child)

        cluster = aws.opensearch.DomainClusterConfigArgs(
            instance_type=spec.instance_type,
            instance_count=spec.instance_count,
            zone_awareness_enabled=zones > 1,
            zone_awareness_config=aws.opensearch.DomainClusterConfigZoneAwarenessConfigArgs(
                availability_zone_count=zones) if zones > 1 else None,
            dedicated_master_enabled=masters,
            dedicated_master_type=spec.dedicated_masters.instance_type if masters else None,
            dedicated_master_count=spec.dedicated_masters.count if masters else None,
        )
        self.domain = aws.opensearch.Domain(
            name,
            domain_name=self.domain_name,
            engine_version=spec.engine_version,
            cluster_config=cluster,
            vpc_options=aws.opensearch.DomainVpcOptionsArgs(subnet_ids=vpc.subnet_ids("data")[:zones],
                                                            security_group_ids=[self.security_group.id]),
            ebs_options=aws.opensearch.DomainEbsOptionsArgs(ebs_enabled=True, volume_type="gp3",
                                                            volume_size=spec.volume_size_gib),
            encrypt_at_rest=aws.opensearch.DomainEncryptAtRestArgs(enabled=True, kms_key_id=key.arn),
            node_to_node_encryption=aws.opensearch.DomainNodeToNodeEncryptionArgs(enabled=True),
            domain_endpoint_options=aws.opensearch.DomainDomainEndpointOptionsArgs(
                enforce_https=True, tls_security_policy=OPENSEARCH_TLS_POLICY),
            advanced_security_options=aws.opensearch.DomainAdvancedSecurityOptionsArgs(
                enabled=True, anonymous_auth_enabled=False, internal_user_database_enabled=False,
                master_user_options=aws.opensearch.DomainAdvancedSecurityOptionsMasterUserOptionsArgs(
                    master_user_arn=admin_role_arn)),
            log_publishing_options=[
                aws.opensearch.DomainLogPublishingOptionArgs(log_type=log_type, cloudwatch_log_group_arn=group.arn,
                                                             enabled=True)
                for log_type, group in zip(LOG_TYPES, groups, strict=True)
            ],
            software_update_options=aws.opensearch.DomainSoftwareUpdateOptionsArgs(auto_software_update_enabled=True),
            opts=pulumi.ResourceOptions(parent=self, protect=production, depends_on=[log_policy, linked_role_ready]),
        )
        self.domain_arn: pulumi.Output[str] = self.domain.arn
        self.endpoint: pulumi.Output[str] = self.domain.endpoint
        aws.opensearch.DomainPolicy(f"{name}-access", domain_name=self.domain.domain_name,
                                    access_policies=_access_policy(self.domain.arn, app_role_arn, admin_role_arn,
                                                                   account_id=account_id).to_json(),
                                    opts=child)
        self.register_outputs({"domain_name": self.domain_name, "domain_arn": self.domain.arn,
                               "endpoint": self.domain.endpoint})

    def grant_query(self, paths: Sequence[str], methods: Sequence[str] = ("GET", "POST")) -> list[Statement]:
        """HTTP queries on `paths` of the domain (e.g. `products/_search`); the access policy still admits only the
        app and admin roles."""
        return grants.grant_query_search(self.domain_arn, paths, methods)


def _log_delivery_policy(group_arns: Sequence[pulumi.Input[str]], account_id: pulumi.Input[str],
                         domain_arn: pulumi.Input[str]) -> PolicyDocument:
    return PolicyDocument([Statement(
        "Allow", ["logs:PutLogEvents", "logs:CreateLogStream"],
        [pulumi.Output.concat(arn, ":*") for arn in group_arns], principals={"Service": ["es.amazonaws.com"]},
        conditions={"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": domain_arn}},
        sid="OpenSearchPublishesLogs")])


def _access_policy(domain_arn: pulumi.Input[str], app_role_arn: pulumi.Input[str], admin_role_arn: pulumi.Input[str],
                   *, account_id: pulumi.Input[str]) -> PolicyDocument:
    """The app role (and the security admin) over HTTP; everyone else in the account is denied, whatever their own
    policies say."""
    paths = pulumi.Output.concat(domain_arn, "/*")
    root = account_root_arn(account_id)
    admitted = {"aws:PrincipalArn": [app_role_arn, admin_role_arn]}
    return PolicyDocument([
        Statement("Allow", list(HTTP_ACTIONS), [paths], principals={"AWS": [root]},
                  conditions={"ArnEquals": admitted}, sid="AppRoleQueries"),
        Statement("Deny", list(HTTP_ACTIONS), [paths], principals="*",
                  conditions={"ArnNotEquals": admitted}, sid="NobodyElse"),
    ])
