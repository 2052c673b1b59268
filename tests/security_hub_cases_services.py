"""Passing and failing resource sets for the data-tier, compute and identity evaluations (see security_hub_cases.py)."""

from __future__ import annotations

from typing import Any

from policy import rules
from tests.security_hub_cases import HOME, Build, accounts, document, res, statement

CLUSTER = "aws:rds/cluster:Cluster"
POSTGRES = {"engine": "aurora-postgresql", "clusterIdentifier": "db", "storageEncrypted": True,
            "iamDatabaseAuthenticationEnabled": True, "copyTagsToSnapshot": True, "deletionProtection": True,
            "backupRetentionPeriod": 7, "port": 5433, "masterUsername": "shop_admin", "dbSubnetGroupName": "data",
            "enabledCloudwatchLogsExports": ["postgresql"]}
INSTANCE = {"identifier": "db-1", "publiclyAccessible": False, "monitoringInterval": 60, "autoMinorVersionUpgrade": True,
            "availabilityZone": f"{HOME}a"}


def _aurora(cluster: dict[str, Any] | None = None, instance: dict[str, Any] | None = None,
            zones: tuple[str, ...] = ("a", "c")) -> Build:
    """An Aurora cluster (POSTGRES with `cluster`'s changes) and one instance per zone (INSTANCE with `instance`'s)."""
    def build() -> list[rules.Resource]:
        db = res(CLUSTER, "db", **(POSTGRES | (cluster or {})))
        members = [res("aws:rds/clusterInstance:ClusterInstance", f"db-{zone}", "dev", {"clusterIdentifier": [db]},
                       **(INSTANCE | {"availabilityZone": f"{HOME}{zone}"} | (instance or {}))) for zone in zones]
        return accounts(db, *members)
    return build


def _standalone(**inputs: Any) -> Build:
    def build() -> list[rules.Resource]:
        group = res("aws:rds/parameterGroup:ParameterGroup", "params", name="params",
                    parameters=[{"name": "rds.force_ssl", "value": "1"}, {"name": "require_secure_transport", "value": "ON"}])
        base = {"engine": "postgres", "multiAz": True, "deletionProtection": True, "parameterGroupName": "params",
                "enabledCloudwatchLogsExports": ["postgresql", "upgrade"]}
        return accounts(group, res("aws:rds/instance:Instance", "standalone", **(base | inputs)))
    return build


DOMAIN = {"domainName": "search", "encryptAtRest": {"enabled": True}, "vpcOptions": {"subnetIds": ["a", "b"]},
          "nodeToNodeEncryption": {"enabled": True}, "advancedSecurityOptions": {"enabled": True},
          "clusterConfig": {"instanceCount": 3, "zoneAwarenessEnabled": True},
          "domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10", "enforceHttps": True},
          "logPublishingOptions": [{"logType": "ES_APPLICATION_LOGS", "enabled": True},
                                   {"logType": "AUDIT_LOGS", "enabled": True}]}


def _domain(**changes: Any) -> Build:
    return lambda: accounts(res("aws:opensearch/domain:Domain", "search", **(DOMAIN | changes)))


def _one(token: str, **inputs: Any) -> Build:
    return lambda: accounts(res(token, token.rsplit(":", 1)[-1].lower(), **inputs))


def _secret(rotation_days: int | None) -> Build:
    def build() -> list[rules.Resource]:
        secret = res("aws:secretsmanager/secret:Secret", "token", name="token")
        rotation = [] if rotation_days is None else [res(
            "aws:secretsmanager/secretRotation:SecretRotation", "token-rotation", "dev", {"secretId": [secret]},
            rotationRules={"automaticallyAfterDays": rotation_days})]
        return accounts(secret, *rotation)
    return build


FUNCTION = {"name": "api", "runtime": "python3.12"}


def _function(permission: dict[str, Any] | None = None, url_auth: str | None = None, **inputs: Any) -> Build:
    def build() -> list[rules.Resource]:
        found = [res("aws:lambda/function:Function", "api", **(FUNCTION | inputs))]
        if permission is not None:
            found.append(res("aws:lambda/permission:Permission", "api-invoke", function="api",
                             action="lambda:InvokeFunction", **permission))
        if url_auth is not None:
            found.append(res("aws:lambda/functionUrl:FunctionUrl", "api-url", functionName="api",
                             authorizationType=url_auth))
        return accounts(*found)
    return build


DATA_CASES: dict[str, tuple[Build, Build]] = {
    "RDS.2": (_aurora(), _aurora(instance={"publiclyAccessible": True})),
    "RDS.3": (_aurora(), _aurora({"storageEncrypted": False})),
    "RDS.27": (_aurora(), _aurora({"storageEncrypted": False})),
    "RDS.5": (_standalone(), _standalone(multiAz=False)),
    "RDS.6": (_aurora(), _aurora(instance={"monitoringInterval": 0})),
    "RDS.7": (_aurora(), _aurora({"deletionProtection": False})),
    "RDS.8": (_standalone(), _standalone(deletionProtection=False)),
    "RDS.9": (_aurora(), _aurora({"enabledCloudwatchLogsExports": []})),
    "RDS.10": (_aurora(), _aurora({"iamDatabaseAuthenticationEnabled": False})),
    "RDS.12": (_aurora(), _aurora({"iamDatabaseAuthenticationEnabled": False})),
    "RDS.11": (_aurora(), _aurora({"backupRetentionPeriod": 3})),
    "RDS.13": (_aurora(), _aurora(instance={"autoMinorVersionUpgrade": False})),
    "RDS.14": (_aurora({"engine": "aurora-mysql", "backtrackWindow": 86400}), _aurora({"engine": "aurora-mysql"})),
    "RDS.15": (_aurora(), _aurora(zones=("a",))),
    "RDS.16": (_aurora(), _aurora({"copyTagsToSnapshot": False})),
    "RDS.17": (_aurora(), _aurora({"copyTagsToSnapshot": False})),
    "RDS.18": (_aurora(), _aurora({"dbSubnetGroupName": None})),
    "RDS.23": (_aurora(), _aurora({"port": 5432})),
    "RDS.24": (_aurora(), _aurora({"masterUsername": "postgres"})),
    "RDS.25": (_aurora(), _aurora({"masterUsername": "postgres"})),
    "RDS.34": (_aurora({"engine": "aurora-mysql", "enabledCloudwatchLogsExports": ["audit", "slowquery"]}),
               _aurora({"engine": "aurora-mysql", "enabledCloudwatchLogsExports": ["slowquery"]})),
    "RDS.35": (_one(CLUSTER, engine="mysql", autoMinorVersionUpgrade=True),
               _one(CLUSTER, engine="mysql", autoMinorVersionUpgrade=False)),
    "RDS.36": (_standalone(), _standalone(enabledCloudwatchLogsExports=["postgresql"])),
    "RDS.37": (_aurora(), _aurora({"enabledCloudwatchLogsExports": ["instance"]})),
    "RDS.38": (_standalone(), _standalone(parameterGroupName="default.postgres16")),
    "RDS.39": (_standalone(engine="mysql"), _standalone(engine="mysql", parameterGroupName="default.mysql8.0")),
    "OpenSearch.1": (_domain(), _domain(encryptAtRest={"enabled": False})),
    "OpenSearch.2": (_domain(), _domain(vpcOptions={})),
    "OpenSearch.3": (_domain(), _domain(nodeToNodeEncryption={"enabled": False})),
    "OpenSearch.4": (_domain(), _domain(logPublishingOptions=[{"logType": "AUDIT_LOGS", "enabled": True}])),
    "OpenSearch.5": (_domain(), _domain(logPublishingOptions=[{"logType": "ES_APPLICATION_LOGS", "enabled": True}])),
    "OpenSearch.6": (_domain(), _domain(clusterConfig={"instanceCount": 2, "zoneAwarenessEnabled": True})),
    "OpenSearch.7": (_domain(), _domain(advancedSecurityOptions={"enabled": False})),
    "OpenSearch.8": (_domain(), _domain(domainEndpointOptions={"tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"})),
    "DynamoDB.1": (_one(rules.DYNAMODB_TABLE, billingMode="PAY_PER_REQUEST"),
                   _one(rules.DYNAMODB_TABLE, billingMode="PROVISIONED")),
    "DynamoDB.2": (_one(rules.DYNAMODB_TABLE, pointInTimeRecovery={"enabled": True}), _one(rules.DYNAMODB_TABLE)),
    "Kinesis.1": (_one(rules.KINESIS_STREAM, encryptionType="KMS"), _one(rules.KINESIS_STREAM, encryptionType="NONE")),
    "SNS.1": (_one(rules.SNS_TOPIC, kmsMasterKeyId="alias/alerts"), _one(rules.SNS_TOPIC)),
    "SNS.2": (_one(rules.SNS_TOPIC, lambdaFailureFeedbackRoleArn="arn:aws:iam::1:role/sns"), _one(rules.SNS_TOPIC)),
    "SNS.4": (_one(rules.SNS_TOPIC, policy=document(statement(action="sns:Publish",
                                                              Principal={"Service": "events.amazonaws.com"}))),
              _one(rules.SNS_TOPIC, policy=document(statement(action="sns:Publish", Principal="*")))),
    "SQS.1": (_one("aws:sqs/queue:Queue", kmsMasterKeyId="alias/q"),
              _one("aws:sqs/queue:Queue", sqsManagedSseEnabled=False)),
    "SecretsManager.1": (_secret(30), _secret(None)),
    "SecretsManager.4": (_secret(30), _secret(180)),
    "Lambda.1": (_function({"principal": "*", "sourceArn": "arn:aws:events:rule/r"}, url_auth="AWS_IAM"),
                 _function(url_auth="NONE")),
    "Lambda.2": (_function(), _function(runtime="python3.7")),
    "Lambda.5": (_function(vpcConfig={"subnetIds": ["a", "b"]}), _function(vpcConfig={"subnetIds": ["a"]})),
}


# --- Elastic Beanstalk's load balancer, group, template and instances; load balancers and groups of the program ------

BEANSTALK = "aws:elasticbeanstalk/environment:Environment"
GOOD_SETTINGS = {
    ("aws:ec2:vpc", "Subnets"): "subnet-a,subnet-c", ("aws:ec2:vpc", "ELBSubnets"): "public-a,public-c",
    ("aws:ec2:vpc", "AssociatePublicIpAddress"): "false", ("aws:ec2:instances", "InstanceTypes"): "t3.small,t3a.small",
    ("aws:autoscaling:launchconfiguration", "DisableIMDSv1"): "true",
    ("aws:autoscaling:launchconfiguration", "IamInstanceProfile"): "app",
    ("aws:elbv2:listener:default", "ListenerEnabled"): "false", ("aws:elbv2:listener:443", "Protocol"): "HTTPS",
    ("aws:elbv2:loadbalancer", "AccessLogsS3Enabled"): "true",
    ("aws:elasticbeanstalk:healthreporting:system", "SystemType"): "enhanced",
    ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"): "true",
    ("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"): "true",
}


def _web(changes: dict[tuple[str, str], str] | None = None, ssm: bool = True, encrypted: bool = True) -> Build:
    def build() -> list[rules.Resource]:
        settings = GOOD_SETTINGS | (changes or {})
        environment = res(BEANSTALK, "web", name="web", tier="WebServer", settings=[
            {"namespace": namespace, "name": option, "value": value} for (namespace, option), value in settings.items()])
        role = res("aws:iam/role:Role", "app-role", name="app")
        actions = ["ssm:UpdateInstanceInformation"] if ssm else ["logs:PutLogEvents"]
        found = [environment, role,
                 res("aws:iam/instanceProfile:InstanceProfile", "app-profile", "dev", {"role": [role]}, name="app"),
                 res("aws:iam/rolePolicy:RolePolicy", "app-platform", "dev", {"role": [role]},
                     policy=document(statement(action=actions))),
                 res("aws:lb/listener:Listener", "web-http", "dev", {"loadBalancerArn": [environment]}, protocol="HTTP",
                     port=80, defaultActions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}])]
        if encrypted:
            found.append(res("aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs", enabled=True))
        return accounts(*found)
    return build


def _balancer(**inputs: Any) -> Build:
    good = {"loadBalancerType": "application", "dropInvalidHeaderFields": True, "enableDeletionProtection": True,
            "accessLogs": {"enabled": True}, "subnets": ["a", "c"], "desyncMitigationMode": "defensive"}
    return lambda: accounts(res("aws:lb/loadBalancer:LoadBalancer", "alb", **(good | inputs)))


VPC_, LAUNCH = "aws:ec2:vpc", "aws:autoscaling:launchconfiguration"

COMPUTE_CASES: dict[str, tuple[Build, Build]] = {
    "EC2.3": (_web(), _web(encrypted=False)),
    "EC2.8": (_web(), _web({(LAUNCH, "DisableIMDSv1"): "false"})),
    "EC2.9": (_web(), _web({(VPC_, "AssociatePublicIpAddress"): "true"})),
    "EC2.25": (_web(), _web({(VPC_, "AssociatePublicIpAddress"): "true"})),
    "EC2.24": (_web(), _web({("aws:ec2:instances", "InstanceTypes"): "m1.small"})),
    "SSM.1": (_web(), _web(ssm=False)),
    "AutoScaling.1": (_one("aws:autoscaling/group:Group", targetGroupArns=["tg"], healthCheckType="ELB"), _web()),
    "AutoScaling.2": (_web(), _web({(VPC_, "Subnets"): "subnet-a"})),
    "AutoScaling.6": (_web(), _web({("aws:ec2:instances", "InstanceTypes"): "t3.small"})),
    "AutoScaling.9": (_web(), _web({(LAUNCH, "DisableIMDSv1"): "false"})),
    "ELB.1": (_web(), _web({("aws:elbv2:listener:default", "ListenerEnabled"): "true"})),
    "ELB.4": (_balancer(), _web()),
    "ELB.5": (_web(), _web({("aws:elbv2:loadbalancer", "AccessLogsS3Enabled"): "false"})),
    "ELB.6": (_balancer(), _balancer(enableDeletionProtection=False)),
    "ELB.12": (_balancer(), _balancer(desyncMitigationMode="monitor")),
    "ELB.13": (_web(), _web({(VPC_, "ELBSubnets"): "public-a"})),
    "ElasticBeanstalk.1": (_web(), _web({("aws:elasticbeanstalk:healthreporting:system", "SystemType"): "basic"})),
    "ElasticBeanstalk.2": (_web(), _web({("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"): "false"})),
    "ElasticBeanstalk.3": (_web(), _web({("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"): "false"})),
}


# --- identity -------------------------------------------------------------------------------------------------------

POLICY = "aws:iam/policy:Policy"
OWN_KEYS = "arn:aws:kms:*:1:key/*"


def _user(with_policy: bool) -> Build:
    def build() -> list[rules.Resource]:
        user = res("aws:iam/user:User", "mina", "management", name="mina.kim")
        policies = [res("aws:iam/userPolicy:UserPolicy", "mina-inline", "management", {"user": [user]}, user="mina.kim",
                        policy=document(statement("Deny", "iam:CreateLoginProfile")))] if with_policy else []
        return accounts(user, *policies)
    return build


def _boundary_with_wildcards() -> list[rules.Resource]:
    boundary = res(POLICY, "boundary", policy=document(statement(action=["s3:*", "kms:Decrypt"])))
    role_policy = res("aws:iam/rolePolicy:RolePolicy", "developer", "dev", {"policy": [boundary]}, policy=document(
        statement(action="iam:CreateRole", Condition={"ArnEquals": {"iam:PermissionsBoundary": "arn:boundary"}})))
    return accounts(boundary, role_policy)


def _role_holding(policy_arn: str) -> Build:
    return lambda: accounts(res("aws:iam/role:Role", "ops", name="ops"),
                            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ops-attachment", role="ops",
                                policyArn=policy_arn))


IDENTITY_CASES: dict[str, tuple[Build, Build]] = {
    "IAM.1": (_one(POLICY, policy=document(statement(action="s3:GetObject", resource="arn:aws:s3:::lake/*"))),
              _one(POLICY, policy=document(statement(action="*", resource="*")))),
    "IAM.2": (_user(False), _user(True)),
    "IAM.21": (_boundary_with_wildcards, _one(POLICY, policy=document(statement(action="s3:*")))),
    "KMS.1": (_one(POLICY, policy=document(statement(action="kms:Decrypt", resource=OWN_KEYS))),
              _one(POLICY, policy=document(statement(action="kms:Decrypt")))),
    # An administrator: everything but decryption on "*", decryption on the account's keys.
    "KMS.2": (_one("aws:iam/rolePolicy:RolePolicy", policy=document(
                  {"Effect": "Allow", "NotAction": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*"},
                  statement(action=["kms:Decrypt", "kms:ReEncryptFrom"], resource=OWN_KEYS))),
              _one("aws:iam/rolePolicy:RolePolicy", policy=document(statement(action="*")))),
    "IAM.27": (_role_holding("arn:aws:iam::aws:policy/ReadOnlyAccess"),
               _role_holding("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")),
}
