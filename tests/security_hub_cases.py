"""Small resource sets for every offline Security Hub evaluation: for each control, one set it passes and one it fails.

Resources are built as the policy rules see them (rules.Resource): camelCase inputs, the provider's default tags
naming the account, property dependencies naming what an input was built from. Every set holds the organization
(management) and one member account, `dev`, in one region.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from policy import rules
from tests.rule_resources import provider_inputs, resource

HOME = "ap-northeast-2"
ACCOUNTS = ("management", "dev")
Build = Callable[[], list[rules.Resource]]


def res(token: str, logical: str, account: str = "dev", deps: dict[str, Sequence[rules.Resource]] | None = None, /,
        **inputs: Any) -> rules.Resource:
    """One resource of `account`, its inputs built from `deps` (input name -> the resources it came from)."""
    return resource(token, logical, inputs, provider=provider_inputs(account, HOME), sources=deps)


def accounts(*extra: rules.Resource) -> list[rules.Resource]:
    return [res("aws:organizations/organization:Organization", "organization", "management"),
            res("aws:organizations/account:Account", "dev", "management"), *extra]


def per_account(make: Callable[[str], list[rules.Resource]], only: Sequence[str] = ACCOUNTS) -> Build:
    """Both accounts, each given make(account)'s resources when it is in `only`."""
    return lambda: accounts(*[r for account in only for r in make(account)])


def statement(effect: str = "Allow", action: Any = "s3:GetObject", resource: Any = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **more}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# --- accounts -------------------------------------------------------------------------------------------------------

def _contact(account: str) -> list[rules.Resource]:
    return [res("aws:account/alternativeContact:AlternativeContact", f"{account}-contact", account,
                alternateContactType="SECURITY", name="Security", emailAddress="s@example.com")]


TRAIL = "aws:cloudtrail/trail:Trail"


def _trail(**inputs: Any) -> Build:
    base = {"isMultiRegionTrail": True, "isOrganizationTrail": True, "kmsKeyId": "arn:aws:kms:key/1",
            "enableLogFileValidation": True, "cloudWatchLogsGroupArn": "arn:aws:logs:group:*"}
    return lambda: accounts(res(TRAIL, "trail", "management", **(base | inputs)))


def _selector(*fields: tuple[str, str, list[str]]) -> dict[str, Any]:
    return {"fieldSelectors": [{"field": field, kind: values} for field, kind, values in fields]}


MANAGEMENT_EVENTS = _selector(("eventCategory", "equals", ["Management"]))
ALL_OBJECTS = _selector(("eventCategory", "equals", ["Data"]), ("resources.type", "equals", ["AWS::S3::Object"]))
LAKE_OBJECTS = _selector(("eventCategory", "equals", ["Data"]), ("resources.type", "equals", ["AWS::S3::Object"]),
                         ("resources.ARN", "startsWiths", ["arn:aws:s3:::lake/"]))
WRITES = _selector(("eventCategory", "equals", ["Data"]), ("resources.type", "equals", ["AWS::S3::Object"]),
                   ("readOnly", "equals", ["false"]))
SLR = "arn:aws:iam::1:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def _recorder(role_arn: str) -> Callable[[str], list[rules.Resource]]:
    def make(account: str) -> list[rules.Resource]:
        recorder = res("aws:cfg/recorder:Recorder", f"{account}-recorder", account, name=f"{account}-config",
                       roleArn=role_arn, recordingGroup={"allSupported": True})
        status = res("aws:cfg/recorderStatus:RecorderStatus", f"{account}-status", account, {"name": [recorder]},
                     name=f"{account}-config", isEnabled=True)
        return [recorder, status]
    return make


def _guardduty(feature: str | None, with_feature: bool) -> Build:
    def build() -> list[rules.Resource]:
        detector = res("aws:guardduty/detector:Detector", "detector", "dev", enable=True)
        found = [detector, res("aws:guardduty/organizationConfiguration:OrganizationConfiguration", "org", "dev",
                               {"detectorId": [detector]}, autoEnableOrganizationMembers="ALL")]
        if feature and with_feature:
            found += [res("aws:guardduty/detectorFeature:DetectorFeature", "feature", "dev", {"detectorId": [detector]},
                          name=feature, status="ENABLED"),
                      res("aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature", "org-feature",
                          "dev", {"detectorId": [detector]}, name=feature, autoEnable="ALL")]
        if feature is None and not with_feature:
            found = [detector]  # no organization configuration: management is not covered
        return accounts(*found)
    return build


def _password(**inputs: Any) -> Callable[[str], list[rules.Resource]]:
    strong = {"minimumPasswordLength": 14, "passwordReusePrevention": 24, "requireUppercaseCharacters": True,
              "requireLowercaseCharacters": True, "requireNumbers": True, "requireSymbols": True}
    return lambda a: [res("aws:iam/accountPasswordPolicy:AccountPasswordPolicy", f"{a}-password", a, **(strong | inputs))]


def _one(token: str, **inputs: Any) -> Callable[[str], list[rules.Resource]]:
    return lambda a: [res(token, f"{a}-{token.rsplit(':', 1)[-1]}", a, **inputs)]


BLOCK_ALL = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}

CASES: dict[str, tuple[Build, Build]] = {
    "Account.1": (per_account(_contact), per_account(_contact, only=["management"])),
    "CloudTrail.1": (_trail(), _trail(isMultiRegionTrail=False)),
    "S3.22": (_trail(advancedEventSelectors=[MANAGEMENT_EVENTS, WRITES]),
              _trail(advancedEventSelectors=[MANAGEMENT_EVENTS, LAKE_OBJECTS])),
    "S3.23": (_trail(advancedEventSelectors=[MANAGEMENT_EVENTS, ALL_OBJECTS]),
              _trail(advancedEventSelectors=[MANAGEMENT_EVENTS, WRITES])),
    "Config.1": (per_account(_recorder(SLR)), per_account(_recorder("arn:aws:iam::1:role/my-config-role"))),
    "EC2.7": (per_account(_one("aws:ebs/encryptionByDefault:EncryptionByDefault", enabled=True)),
              per_account(_one("aws:ebs/encryptionByDefault:EncryptionByDefault", enabled=True), only=["dev"])),
    "GuardDuty.1": (_guardduty(None, True), _guardduty(None, False)),
    "GuardDuty.9": (_guardduty("RDS_LOGIN_EVENTS", True), _guardduty("RDS_LOGIN_EVENTS", False)),
    "GuardDuty.10": (_guardduty("S3_DATA_EVENTS", True), _guardduty("S3_DATA_EVENTS", False)),
    "IAM.28": (per_account(_one("aws:accessanalyzer/analyzer:Analyzer", type="ACCOUNT")),
               per_account(_one("aws:accessanalyzer/analyzer:Analyzer", type="ACCOUNT_UNUSED_ACCESS"))),
    "IAM.7": (per_account(_password()), per_account(_password(requireSymbols=False))),
    "IAM.15": (per_account(_password()), per_account(_password(minimumPasswordLength=8))),
    "IAM.16": (per_account(_password()), per_account(_password(passwordReusePrevention=5))),
    "IAM.18": (per_account(_one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", role="support",
                                policyArn="arn:aws:iam::aws:policy/AWSSupportAccess")),
               per_account(_one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", role="support",
                                policyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"))),
    "S3.1": (per_account(_one("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", **BLOCK_ALL)),
             per_account(_one("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
                              **(BLOCK_ALL | {"restrictPublicBuckets": False})))),
    "Macie.1": (per_account(_one("aws:macie2/account:Account", status="ENABLED")),
                per_account(_one("aws:macie2/account:Account", status="PAUSED"))),
}


# --- networks -------------------------------------------------------------------------------------------------------

def _locked_default_vpcs(ec2_endpoint: bool = False) -> list[rules.Resource]:
    """Each account's default VPC adopted and closed, as org/default_vpc.py does it."""
    found = []
    for account in ACCOUNTS:
        vpc = res("aws:ec2/defaultVpc:DefaultVpc", f"{account}-default-vpc", account)
        found += [vpc,
                  res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", f"{account}-default-sg", account,
                      {"vpcId": [vpc]}),
                  res("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", f"{account}-default-nacl", account,
                      {"defaultNetworkAclId": [vpc]}),
                  res("aws:ec2/defaultSubnet:DefaultSubnet", f"{account}-default-subnet", account,
                      mapPublicIpOnLaunch=False),
                  res("aws:ec2/flowLog:FlowLog", f"{account}-default-flow-log", account, {"vpcId": [vpc]})]
        if ec2_endpoint:
            found.append(res("aws:ec2/vpcEndpoint:VpcEndpoint", f"{account}-default-ec2", account, {"vpcId": [vpc]},
                             serviceName=f"com.amazonaws.{HOME}.ec2"))
    return found


def _network(*extra: Callable[[rules.Resource], list[rules.Resource]], ec2_endpoint: bool = False) -> Build:
    """A VPC in dev plus what `extra` builds for it, beside the locked default VPCs."""
    def build() -> list[rules.Resource]:
        vpc = res("aws:ec2/vpc:Vpc", "dev-vpc", cidrBlock="10.0.0.0/16")
        return accounts(*_locked_default_vpcs(ec2_endpoint), vpc, *[r for make in extra for r in make(vpc)])
    return build


def _default_group(**rules_: Any) -> Callable[[rules.Resource], list[rules.Resource]]:
    return lambda vpc: [res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "dev-vpc-default-sg", "dev",
                            {"vpcId": [vpc]}, **rules_)]


def _flow_log(vpc: rules.Resource) -> list[rules.Resource]:
    return [res("aws:ec2/flowLog:FlowLog", "dev-vpc-flow-log", "dev", {"vpcId": [vpc]})]


def _endpoint(service: str) -> Callable[[rules.Resource], list[rules.Resource]]:
    return lambda vpc: [res("aws:ec2/vpcEndpoint:VpcEndpoint", f"dev-{service}", "dev", {"vpcId": [vpc]},
                            serviceName=f"com.amazonaws.{HOME}.{service}")]


def _anything(*resources: rules.Resource) -> Build:
    return lambda: accounts(*_locked_default_vpcs(), *resources)


def _nacl(*entries: dict[str, Any], subnets: Sequence[str] = ("subnet-1",)) -> Build:
    return _anything(res("aws:ec2/networkAcl:NetworkAcl", "dev-nacl", subnetIds=list(subnets), ingress=list(entries)))


def _entry(number: int, low: int, high: int, action: str = "allow", cidr: str = "0.0.0.0/0") -> dict[str, Any]:
    return {"ruleNo": number, "action": action, "protocol": "tcp", "fromPort": low, "toPort": high, "cidrBlock": cidr}


def _group(port: int, cidr: str = "0.0.0.0/0") -> Build:
    def build() -> list[rules.Resource]:
        group = res("aws:ec2/securityGroup:SecurityGroup", "dev-sg")
        rule = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "dev-sg-in", "dev",
                   {"securityGroupId": [group]}, ipProtocol="tcp", fromPort=port, toPort=port,
                   **({"cidrIpv6": cidr} if ":" in cidr else {"cidrIpv4": cidr}))
        return accounts(*_locked_default_vpcs(), group, rule)
    return build


CASES |= {
    "EC2.2": (_network(_default_group()), _network(_default_group(ingress=[{"protocol": "-1", "self": True}]))),
    "EC2.6": (_network(_flow_log), _network()),
    "EC2.10": (_network(_endpoint("ec2"), ec2_endpoint=True), _network(_endpoint("s3"), ec2_endpoint=True)),
    "EC2.15": (_anything(res("aws:ec2/subnet:Subnet", "dev-subnet", mapPublicIpOnLaunch=False)),
               _anything(res("aws:ec2/subnet:Subnet", "dev-subnet", mapPublicIpOnLaunch=True))),
    "EC2.16": (_nacl(_entry(100, 443, 443)), _nacl(_entry(100, 443, 443), subnets=())),
    "EC2.21": (_nacl(_entry(300, 3389, 3389, "deny"), _entry(400, 1024, 3388), _entry(410, 3390, 65535)),
               _nacl(_entry(300, 3389, 3389, "deny"), _entry(400, 1024, 65535))),
    "EC2.18": (_group(443), _group(8080)),
    "EC2.19": (_group(443), _group(5432)),
    "EC2.53": (_group(443), _group(22)),
    "EC2.54": (_group(443, "::/0"), _group(3389, "::/0")),
    "EC2.23": (_anything(res("aws:ec2transitgateway/transitGateway:TransitGateway", "hub",
                             autoAcceptSharedAttachments="disable")),
               _anything(res("aws:ec2transitgateway/transitGateway:TransitGateway", "hub",
                             autoAcceptSharedAttachments="enable"))),
}


# --- storage --------------------------------------------------------------------------------------------------------

BUCKET = "aws:s3/bucket:Bucket"


def _bucket(*settings: tuple[str, dict[str, Any]]) -> Build:
    """One bucket in dev and its settings, each (type token, inputs) naming the bucket."""
    def build() -> list[rules.Resource]:
        bucket = res(BUCKET, "lake", bucket="lake")
        return accounts(bucket, *[res(token, f"lake-{index}", "dev", {"bucket": [bucket]}, bucket="lake", **inputs)
                                  for index, (token, inputs) in enumerate(settings)])
    return build


def _s3(kind: str) -> str:
    return {"block": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "policy": "aws:s3/bucketPolicy:BucketPolicy",
            "logging": "aws:s3/bucketLogging:BucketLogging",
            "lifecycle": "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "versioning": "aws:s3/bucketVersioning:BucketVersioning",
            "notification": "aws:s3/bucketNotification:BucketNotification",
            "ownership": "aws:s3/bucketOwnershipControls:BucketOwnershipControls"}[kind]


DENY_PLAIN_HTTP = statement("Deny", "s3:*", ["arn:aws:s3:::lake", "arn:aws:s3:::lake/*"], Principal="*",
                            Condition={"Bool": {"aws:SecureTransport": "false"}})
LIFECYCLE = {"rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 30}}]}


def _trail_bucket(logged: bool) -> Build:
    def build() -> list[rules.Resource]:
        bucket = res(BUCKET, "audit", "dev", bucket="audit")
        logging = [res(_s3("logging"), "audit-logging", "dev", {"bucket": [bucket]}, targetBucket="logs")] if logged else []
        return accounts(bucket, *logging, res(TRAIL, "trail", "management", {"s3BucketName": [bucket]},
                                             s3BucketName="audit"))
    return build


KEY_POLICY = document(statement(action="kms:*", Principal={"AWS": "arn:aws:iam::1:root"}))

CASES |= {
    **{control: (_bucket((_s3("block"), BLOCK_ALL)), _bucket((_s3("block"), BLOCK_ALL | {"blockPublicPolicy": False})))
       for control in ("S3.2", "S3.3", "S3.8")},
    "S3.5": (_bucket((_s3("policy"), {"policy": document(DENY_PLAIN_HTTP)})), _bucket()),
    "S3.6": (_bucket((_s3("policy"), {"policy": document(statement(
                 action="s3:PutObject", resource="arn:aws:s3:::lake/*", Principal={"Service": "logging.s3.amazonaws.com"}))})),
             _bucket((_s3("policy"), {"policy": document(statement(
                 action="s3:PutBucketPolicy", resource="arn:aws:s3:::lake", Principal={"AWS": "arn:aws:iam::9:root"}))}))),
    "S3.9": (_bucket((_s3("logging"), {"targetBucket": "logs"})), _bucket()),
    "S3.10": (_bucket((_s3("versioning"), {"versioningConfiguration": {"status": "Enabled"}}), (_s3("lifecycle"), LIFECYCLE)),
              _bucket((_s3("versioning"), {"versioningConfiguration": {"status": "Enabled"}}))),
    "S3.11": (_bucket((_s3("notification"), {"eventbridge": True})), _bucket()),
    "S3.12": (_bucket((_s3("ownership"), {"rule": {"objectOwnership": "BucketOwnerEnforced"}})),
              _bucket((_s3("ownership"), {"rule": {"objectOwnership": "ObjectWriter"}}))),
    "S3.13": (_bucket((_s3("lifecycle"), LIFECYCLE)), _bucket((_s3("lifecycle"), {"rules": [LIFECYCLE["rules"][0] |
                                                                                             {"status": "Disabled"}]}))),
    "S3.20": (_bucket((_s3("versioning"), {"versioningConfiguration": {"status": "Enabled", "mfaDelete": "Enabled"}})),
              _bucket((_s3("versioning"), {"versioningConfiguration": {"status": "Enabled"}}))),
    "CloudTrail.2": (_trail(), _trail(kmsKeyId=None)),
    "CloudTrail.4": (_trail(), _trail(enableLogFileValidation=False)),
    "CloudTrail.5": (_trail(), _trail(cloudWatchLogsGroupArn=None)),
    "CloudTrail.7": (_trail_bucket(logged=True), _trail_bucket(logged=False)),
    "Backup.1": (lambda: accounts(res("aws:backup/vault:Vault", "vault", kmsKeyArn="arn:aws:kms:key/2")),
                 lambda: accounts(res("aws:backup/vault:Vault", "vault"))),
    "KMS.4": (lambda: accounts(res("aws:kms/key:Key", "key", enableKeyRotation=True, policy=KEY_POLICY)),
              lambda: accounts(res("aws:kms/key:Key", "key", enableKeyRotation=False, policy=KEY_POLICY))),
    "KMS.5": (lambda: accounts(res("aws:kms/key:Key", "key", enableKeyRotation=True, policy=KEY_POLICY)),
              lambda: accounts(res("aws:kms/key:Key", "key", enableKeyRotation=True, policy=document(
                  statement(action="kms:Decrypt", Principal={"AWS": "*"}))))),
}
