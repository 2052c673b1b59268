"""The SDK mocks the preview runs under: unique ids and ARNs per resource, and a monitor that records options."""

from __future__ import annotations

import datetime
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from policy.rules import decode  # provider inputs arrive JSON-encoded, as the policy rules read them

# Sentinels the SDK writes into serialized properties.
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7"
_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

SECRET_SHOWN = "[secret]"


@dataclass
class Registration:
    """One RegisterResource call as the engine would receive it, options included."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None  # "urn::id" of the explicit provider, None for the default one
    providers: dict[str, str]
    protect: bool
    retain_on_delete: bool
    ignore_changes: list[str]
    aliases: list[str]
    dependencies: list[str]
    inputs: dict[str, Any]
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)  # input name -> URNs it was built from
    delete_before_replace: bool = False
    replace_on_changes: list[str] = field(default_factory=list)
    custom_timeouts: dict[str, str] = field(default_factory=dict)  # create/update/delete -> "30m"
    import_id: str = ""  # the `import` option: the id of an existing resource to adopt


def _stable_digits(text: str, digits: int) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**digits).zfill(digits)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


class LandingZoneMocks(Mocks):
    """Answers registrations with ids and ARNs that are unique per resource and name the right account."""

    def __init__(self, region: str, management_account_id: str):
        self.region = region
        self.management_account_id = management_account_id
        self.provider_accounts: dict[str, tuple[str, str]] = {}  # provider id -> (account id, region)
        self._lock = threading.Lock()

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict]:
        token = args.typ
        inputs = dict(args.inputs)
        if token.startswith("pulumi:providers:"):
            resource_id = f"{args.name}-provider-{_short_hash(args.name + token)}"
            if token == "pulumi:providers:aws":
                allowed = decode(inputs.get("allowedAccountIds")) or [self.management_account_id]
                region = inputs.get("region") or self.region
                with self._lock:
                    self.provider_accounts[resource_id] = (str(allowed[0]), region)
            return resource_id, inputs
        account_id, region = self._account_of(args.provider)
        identity = f"{token}|{args.name}|{account_id}"
        resource_id = f"{args.name}-{_short_hash(identity)}"
        own_region = inputs.get("region")
        region = own_region if isinstance(own_region, str) and own_region else region  # pulumi-aws 7: per-resource region
        service = token.split(":")[1].split("/")[0]
        state: dict[str, Any] = {}
        if token.startswith("aws:"):  # other packages' resources (time, slack) have no ARN
            state["arn"] = (_service_arn(token, inputs, resource_id, account_id=account_id, region=region)
                            or f"arn:aws:{service}:{region}:{account_id}:{args.name}/{resource_id}")
        state.update(_type_outputs(token, args.name, resource_id, identity=identity, account_id=account_id, region=region))
        state.update(inputs)
        for key, computed in _computed_within_inputs(token, resource_id).items():
            state[key] = {**(state.get(key) or {}), **computed}
        resource_id = state.pop("id", resource_id)
        if token == "aws:organizations/account:Account":
            resource_id = args.resource_id or _stable_digits(identity, 12)
            state["arn"] = f"arn:aws:organizations::{self.management_account_id}:account/o-mock/{resource_id}"
        elif args.resource_id:  # adopted with the `import` option: the engine reads the resource by that id
            resource_id = args.resource_id
        return resource_id, state

    def call(self, args: MockCallArgs) -> tuple[dict, list | None]:
        account_id, region = self._account_of(args.provider)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": account_id, "arn": f"arn:aws:iam::{account_id}:user/preview",
                    "userId": "AIDAPREVIEW", "id": account_id}, None
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, None
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": region, "region": region, "id": region}, None
        return {}, None

    def _account_of(self, provider_ref: str | None) -> tuple[str, str]:
        if provider_ref:
            provider_id = provider_ref.split("::")[-1]
            with self._lock:
                if provider_id in self.provider_accounts:
                    return self.provider_accounts[provider_id]
        return self.management_account_id, self.region


# ARN shapes AWS documents, for the types whose policies are checked against them (parliament, scoping tests):
# token -> (ARN template, the input holding the name). Without a name input the mock id stands in.
_ARN_SHAPES: dict[str, tuple[str, str]] = {
    "aws:cloudwatch/logGroup:LogGroup": ("arn:aws:logs:{region}:{account}:log-group:{name}", "name"),
    "aws:secretsmanager/secret:Secret": ("arn:aws:secretsmanager:{region}:{account}:secret:{name}-{suffix}", "name"),
    "aws:sqs/queue:Queue": ("arn:aws:sqs:{region}:{account}:{name}", "name"),
    "aws:sns/topic:Topic": ("arn:aws:sns:{region}:{account}:{name}", "name"),
    "aws:lambda/function:Function": ("arn:aws:lambda:{region}:{account}:function:{name}", "name"),
    "aws:kinesis/stream:Stream": ("arn:aws:kinesis:{region}:{account}:stream/{name}", "name"),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
        ("arn:aws:firehose:{region}:{account}:deliverystream/{name}", "name"),
    "aws:dynamodb/table:Table": ("arn:aws:dynamodb:{region}:{account}:table/{name}", "name"),
    "aws:s3/bucket:Bucket": ("arn:aws:s3:::{name}", "bucket"),
    "aws:opensearch/domain:Domain": ("arn:aws:es:{region}:{account}:domain/{name}", "domainName"),
    "aws:rds/cluster:Cluster": ("arn:aws:rds:{region}:{account}:cluster:{name}", "clusterIdentifier"),
    "aws:rds/clusterInstance:ClusterInstance": ("arn:aws:rds:{region}:{account}:db:{name}", "identifier"),
    "aws:backup/vault:Vault": ("arn:aws:backup:{region}:{account}:backup-vault:{name}", "name"),
    "aws:cloudwatch/eventRule:EventRule": ("arn:aws:events:{region}:{account}:rule/{name}", "name"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("arn:aws:cloudwatch:{region}:{account}:alarm:{name}", "name"),
    "aws:ses/domainIdentity:DomainIdentity": ("arn:aws:ses:{region}:{account}:identity/{name}", "domain"),
    "aws:sesv2/configurationSet:ConfigurationSet":
        ("arn:aws:ses:{region}:{account}:configuration-set/{name}", "configurationSetName"),
    "aws:ses/configurationSet:ConfigurationSet": ("arn:aws:ses:{region}:{account}:configuration-set/{name}", "name"),
    "aws:sesv2/emailIdentity:EmailIdentity": ("arn:aws:ses:{region}:{account}:identity/{name}", "emailIdentity"),
    "aws:ses/template:Template": ("arn:aws:ses:{region}:{account}:template/{name}", "name"),
    "aws:backup/plan:Plan": ("arn:aws:backup:{region}:{account}:backup-plan:{name}", "name"),
}


# Service-linked roles AWS names after their service (IAM user guide, "Using service-linked roles").
_SERVICE_LINKED_ROLES = {"config.amazonaws.com": "AWSServiceRoleForConfig",
                         "opensearchservice.amazonaws.com": "AWSServiceRoleForAmazonOpenSearchService"}


def _service_arn(token: str, inputs: dict[str, Any], resource_id: str, *, account_id: str, region: str) -> str | None:
    if token == "aws:iam/serviceLinkedRole:ServiceLinkedRole":
        service = str(inputs.get("awsServiceName") or "")
        return f"arn:aws:iam::{account_id}:role/aws-service-role/{service}/{_SERVICE_LINKED_ROLES.get(service, resource_id)}"
    shape = _ARN_SHAPES.get(token)
    if shape is None:
        return None
    template, name_key = shape
    name = inputs.get(name_key)
    return template.format(region=region, account=account_id, name=name if isinstance(name, str) and name else resource_id,
                           suffix=_short_hash(resource_id)[:6])


def _type_outputs(token: str, name: str, resource_id: str, *, identity: str, account_id: str,
                  region: str) -> dict[str, Any]:
    """Outputs the engine would compute that the program reads back."""
    if token == "aws:organizations/organization:Organization":
        root = f"r-{_short_hash(identity)[:4]}"
        organization_id = f"o-{_short_hash(identity)}"
        return {"id": organization_id, "arn": f"arn:aws:organizations::{account_id}:organization/{organization_id}",
                "roots": [{"id": root, "arn": f"arn:aws:organizations::{account_id}:root/{organization_id}/{root}",
                           "name": "Root", "policyTypes": []}],
                "masterAccountId": account_id}
    if token == "time:index/static:Static":  # the time of creation, fixed per resource so runs compare equal
        created = 1_767_225_600 + int(_stable_digits(identity, 7))  # 2026-01-01 plus up to four months
        stamp = datetime.datetime.fromtimestamp(created, datetime.UTC)
        return {"unix": created, "rfc3339": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "year": stamp.year,
                "month": stamp.month, "day": stamp.day, "hour": stamp.hour, "minute": stamp.minute,
                "second": stamp.second}
    if token == "aws:organizations/policy:Policy":  # p- then 8-128 characters (organizations model, PolicyId)
        return {"id": f"p-{_short_hash(identity)}"}
    if token == "aws:organizations/organizationalUnit:OrganizationalUnit":
        return {"id": f"ou-{_short_hash(identity)[:4]}-{_short_hash(identity)[4:]}"}
    if token == "aws:kms/key:Key":  # aliases and grants name the key by its id
        digest = hashlib.sha256(identity.encode()).hexdigest()
        key_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        return {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{account_id}:key/{key_id}"}  # the ARN AWS gives
    if token in _IAM_ARN_KINDS:  # IAM is global: no region in the ARN, and the kind before the name
        return {"arn": f"arn:aws:iam::{account_id}:{_IAM_ARN_KINDS[token]}/{resource_id}"}
    if token == "aws:sqs/queue:Queue":  # queue policies name their queue by URL
        return {"url": f"https://sqs.{region}.amazonaws.com/{account_id}/{resource_id}"}
    # Data tier: what Aurora and OpenSearch compute and the program reads back.
    if token == "aws:rds/cluster:Cluster":
        digest = _short_hash(identity)
        return {"clusterResourceId": f"cluster-{digest.upper()}",
                "endpoint": f"{resource_id}.cluster-{digest}.{region}.rds.amazonaws.com",
                "readerEndpoint": f"{resource_id}.cluster-ro-{digest}.{region}.rds.amazonaws.com",
                "masterUserSecrets": [{
                    "secretArn": f"arn:aws:secretsmanager:{region}:{account_id}:secret:rds!cluster-{digest}-AbCdEf",
                    "secretStatus": "active", "kmsKeyId": ""}]}
    if token == "aws:opensearch/domain:Domain":
        return {"endpoint": f"vpc-{resource_id}-{_short_hash(identity)}.{region}.es.amazonaws.com"}
    # Network: what the VPC, NAT and Direct Connect resources read back.
    if token in ("aws:ec2/vpc:Vpc", "aws:ec2/defaultVpc:DefaultVpc"):
        digest = _short_hash(identity)
        return {"defaultNetworkAclId": f"acl-{digest}", "defaultSecurityGroupId": f"sg-{digest}",
                "defaultRouteTableId": f"rtb-{digest}", "mainRouteTableId": f"rtb-{digest}"}
    if token == "aws:ec2/eip:Eip":
        return {"allocationId": f"eipalloc-{_short_hash(identity)}"}
    if token == "aws:directconnect/gatewayAssociation:GatewayAssociation":
        return {"transitGatewayAttachmentId": f"tgw-attach-{_short_hash(identity)}"}
    # Services: what function URLs, Beanstalk environments and SES identities compute.
    if token == "aws:lambda/functionUrl:FunctionUrl":
        return {"functionUrl": f"https://{_short_hash(identity)}.lambda-url.{region}.on.aws/"}
    if token == "aws:elasticbeanstalk/environment:Environment":
        return {"loadBalancers": [f"arn:aws:elasticloadbalancing:{region}:{account_id}:loadbalancer/app/"
                                  f"awseb-{_short_hash(identity)}/{_stable_digits(identity, 16)}"],
                "cname": f"{name}-{_short_hash(identity)}.{region}.elasticbeanstalk.com",
                "endpointUrl": f"awseb-{_short_hash(identity)}.{region}.elb.amazonaws.com"}
    return {}


def _computed_within_inputs(token: str, resource_id: str) -> dict[str, dict[str, Any]]:
    """Outputs the engine computes inside a block that is also an input (merged into that block)."""
    if token == "aws:sesv2/emailIdentity:EmailIdentity":
        return {"dkimSigningAttributes": {"tokens": [f"{_short_hash(resource_id + str(i))}dkim" for i in range(3)]}}
    return {}


_IAM_ARN_KINDS = {
    "aws:iam/group:Group": "group",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "oidc-provider",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/role:Role": "role",
    "aws:iam/user:User": "user",
}


def plain(value: Any) -> Any:
    """A serialized property as the inventory shows it: secrets hidden, references as URNs, unknowns marked."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET:
            return SECRET_SHOWN
        if sig == _RESOURCE_REF:
            return value.get("urn")
        if sig in (_ASSET, _ARCHIVE):
            return {key: plain(item) for key, item in value.items() if key != _SIG}
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if value == _UNKNOWN:
        return "[unknown]"
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf carries every number as a double
    return value


class RecordingMonitor(MockMonitor):
    """A MockMonitor that keeps every registration with its options (protect, retainOnDelete, providers, ...)."""

    def __init__(self, mocks: LandingZoneMocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request):  # noqa: N802 (the gRPC method name)
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        registration = Registration(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent or None,
            provider=request.provider or None,
            providers=dict(request.providers),
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            ignore_changes=list(request.ignoreChanges),
            aliases=[spec.urn or spec.spec.name for spec in request.aliases] if request.aliases else [],
            dependencies=list(request.dependencies),
            inputs=plain(json_format.MessageToDict(request.object)),
            id=response.id,
            outputs=plain(json_format.MessageToDict(response.object)),
            property_dependencies={key: list(deps.urns) for key, deps in request.propertyDependencies.items()},
            delete_before_replace=bool(request.deleteBeforeReplace),
            replace_on_changes=list(request.replaceOnChanges),
            import_id=request.importId,
            custom_timeouts={key: value for key, value in json_format.MessageToDict(request.customTimeouts).items()
                             if value},
        )
        with self._lock:
            self.registrations.append(registration)
        return response
