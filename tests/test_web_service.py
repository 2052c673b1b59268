"""The web service on Elastic Beanstalk as registered in both stacks: every option setting, the instance profile's
policy statement by statement with its ARNs traced to the resources they name, the redirect, and the variants."""

from __future__ import annotations

import json
from typing import Any

import pytest

from preview.mocks import Registration
from preview.run import Run
from tests.run_view import RunView, view_of
from tests.services_view import (
    APPLICATION,
    APPLICATION_VERSION,
    ATTACHMENT,
    BUNDLE,
    EMAIL_IDENTITY,
    ENVIRONMENT,
    FUNCTION,
    INSTANCE_PROFILE,
    LISTENER,
    ROLE,
    ROLE_POLICY,
    SES_TEMPLATE,
    WORKLOADS,
)

SUBNET = "aws:ec2/subnet:Subnet"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
CLUSTER = "aws:rds/cluster:Cluster"
DOMAIN = "aws:opensearch/domain:Domain"
STREAM = "aws:kinesis/stream:Stream"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
APP_ENVIRONMENT = "aws:elasticbeanstalk:application:environment"
TEMPLATE_ORDER = ("welcome_en", "welcome_ko", "signup-verification_en", "signup-verification_ko", "coupon_en", "coupon_ko")


def _settings(environment: Registration) -> dict[tuple[str, str], str]:
    pairs = [((s["namespace"], s["name"]), s["value"]) for s in environment.inputs["settings"]]
    settings = dict(pairs)
    assert len(settings) == len(pairs), "an option is set twice"
    return settings


@pytest.fixture(params=WORKLOADS)
def account(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_application_and_environment_run_the_sample_application_without_a_bundle(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    spec = view.config.services[account].web
    assert spec.bundle is None
    application = view.one(APPLICATION, account)
    environment = view.one(ENVIRONMENT, account)
    assert application.inputs["name"] == environment.inputs["application"] == f"shop-{account}-web"
    assert environment.inputs["name"] == f"shop-{account}-web"
    assert environment.inputs["tier"] == "WebServer"
    assert environment.inputs["solutionStackName"] == spec.solution_stack
    assert "version" not in environment.inputs  # Beanstalk deploys its sample application
    assert view.of(APPLICATION_VERSION, account) == []


def test_every_option_setting(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    spec = view.config.services[account].web
    settings = _settings(view.one(ENVIRONMENT, account))
    profile = view.one(INSTANCE_PROFILE, account)
    trigger = spec.scaling.trigger
    prod = stack_run.stack == "prod"  # production keeps Beanstalk's own log groups; the sandbox lets them go
    expected_literals = {
        ("aws:ec2:vpc", "ELBScheme"): "public",
        ("aws:ec2:vpc", "AssociatePublicIpAddress"): "false",
        ("aws:ec2:instances", "InstanceTypes"): ",".join(spec.instance_types),
        ("aws:autoscaling:launchconfiguration", "IamInstanceProfile"): profile.inputs["name"],
        ("aws:autoscaling:launchconfiguration", "DisableIMDSv1"): "true",
        ("aws:autoscaling:launchconfiguration", "DisableDefaultEC2SecurityGroup"): "true",
        ("aws:autoscaling:asg", "MinSize"): str(spec.scaling.min_instances),
        ("aws:autoscaling:asg", "MaxSize"): str(spec.scaling.max_instances),
        ("aws:autoscaling:trigger", "MeasureName"): trigger.measure,
        ("aws:autoscaling:trigger", "Statistic"): trigger.statistic,
        ("aws:autoscaling:trigger", "Unit"): trigger.unit,
        ("aws:autoscaling:trigger", "LowerThreshold"): f"{trigger.lower_threshold:g}",
        ("aws:autoscaling:trigger", "UpperThreshold"): f"{trigger.upper_threshold:g}",
        ("aws:autoscaling:trigger", "Period"): str(trigger.period_minutes),
        ("aws:autoscaling:trigger", "BreachDuration"): str(trigger.breach_duration_minutes),
        ("aws:elasticbeanstalk:environment", "EnvironmentType"): "LoadBalanced",
        ("aws:elasticbeanstalk:environment", "LoadBalancerType"): "application",
        ("aws:elbv2:listener:default", "ListenerEnabled"): "false",
        ("aws:elbv2:listener:443", "ListenerEnabled"): "true",
        ("aws:elbv2:listener:443", "Protocol"): "HTTPS",
        ("aws:elbv2:listener:443", "SSLCertificateArns"): spec.certificate_arn,
        ("aws:elbv2:listener:443", "SSLPolicy"): "ELBSecurityPolicy-TLS13-1-2-2021-06",
        ("aws:elasticbeanstalk:environment:process:default", "Port"): "80",
        ("aws:elasticbeanstalk:environment:process:default", "Protocol"): "HTTP",
        ("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath"): spec.health_check_path,
        ("aws:elasticbeanstalk:command", "DeploymentPolicy"): "RollingWithAdditionalBatch",
        ("aws:elasticbeanstalk:command", "BatchSizeType"): "Percentage",
        ("aws:elasticbeanstalk:command", "BatchSize"): str(spec.deployment_batch_percent),
        ("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateEnabled"): "true",
        ("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"): "Health",
        ("aws:elasticbeanstalk:healthreporting:system", "SystemType"): "enhanced",
        # What makes Beanstalk publish the 5xx alarm's metrics (they are not published otherwise).
        ("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument"):
            '{"CloudWatchMetrics":{"Environment":{"ApplicationRequests5xx":60,"ApplicationRequestsTotal":60}},'
            '"Version":1}',
        ("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"): "true",
        ("aws:elasticbeanstalk:managedactions", "PreferredStartTime"): spec.managed_updates.preferred_start_time,
        ("aws:elasticbeanstalk:managedactions", "ServiceRoleForManagedUpdates"):
            "AWSServiceRoleForElasticBeanstalkManagedUpdates",
        ("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel"): spec.managed_updates.update_level,
        ("aws:elasticbeanstalk:managedactions:platformupdate", "InstanceRefreshEnabled"): "true",
        ("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"): "true",
        ("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"): "false" if prod else "true",
        ("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"): str(spec.log_retention_days),
        ("aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled"): "true",
        ("aws:elasticbeanstalk:cloudwatch:logs:health", "DeleteOnTerminate"): "false" if prod else "true",
        ("aws:elasticbeanstalk:cloudwatch:logs:health", "RetentionInDays"): str(spec.log_retention_days),
    }
    references = {("aws:ec2:vpc", "VPCId"), ("aws:ec2:vpc", "Subnets"), ("aws:ec2:vpc", "ELBSubnets"),
                  ("aws:autoscaling:launchconfiguration", "SecurityGroups"),
                  ("aws:elbv2:loadbalancer", "SecurityGroups"), ("aws:elbv2:loadbalancer", "ManagedSecurityGroup")}
    variables = {key for key in settings if key[0] == APP_ENVIRONMENT}
    assert set(settings) == set(expected_literals) | references | variables
    assert {key: settings[key] for key in expected_literals} == expected_literals
    assert ("aws:elasticbeanstalk:environment", "ServiceRole") not in settings  # the monitoring service-linked role


def test_instances_in_every_app_subnet_and_the_load_balancer_in_every_public_subnet(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    settings = _settings(view.one(ENVIRONMENT, account))
    zones = view.config.zones_of_vpc(account)
    vpc = view.by_reference(settings[("aws:ec2:vpc", "VPCId")])
    assert vpc.type == "aws:ec2/vpc:Vpc" and view.account(vpc) == account
    for option, tier in (("Subnets", "app"), ("ELBSubnets", "public")):
        subnets = [view.by_reference(subnet_id) for subnet_id in settings[("aws:ec2:vpc", option)].split(",")]
        assert all(s.type == SUBNET and s.inputs["tags"]["Tier"] == tier and s.inputs["vpcId"] == vpc.id
                   for s in subnets)
        assert sorted(s.inputs["availabilityZone"] for s in subnets) == sorted(zones)


def test_the_public_group_fronts_the_load_balancer_and_reaches_the_proxy_port(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    settings = _settings(view.one(ENVIRONMENT, account))
    balancer = view.by_reference(settings[("aws:elbv2:loadbalancer", "SecurityGroups")])
    assert settings[("aws:elbv2:loadbalancer", "ManagedSecurityGroup")] == balancer.id
    instances = view.by_reference(settings[("aws:autoscaling:launchconfiguration", "SecurityGroups")])
    assert balancer.type == instances.type == GROUP
    assert balancer.inputs["tags"]["Exposure"] == "public" and instances.inputs["tags"]["Exposure"] == "internal"
    assert instances.inputs["name"] == f"shop-{account}-app"
    open_to_world = {r.inputs["fromPort"] for r in view.of(INGRESS, account)
                     if r.inputs.get("securityGroupId") == balancer.id and r.inputs.get("cidrIpv4") == "0.0.0.0/0"}
    assert open_to_world == {80, 443}
    egress = [r.inputs for r in view.of(EGRESS, account) if r.inputs["securityGroupId"] == balancer.id]
    ingress = [r.inputs for r in view.of(INGRESS, account) if r.inputs["securityGroupId"] == instances.id]
    assert any(r.get("referencedSecurityGroupId") == instances.id and r["fromPort"] <= 80 <= r["toPort"] for r in egress)
    assert any(r.get("referencedSecurityGroupId") == balancer.id and r["fromPort"] <= 80 <= r["toPort"] for r in ingress)


def test_http_is_redirected_to_https_on_the_environments_load_balancer(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    environment = view.one(ENVIRONMENT, account)
    listener = view.one(LISTENER, account)
    assert listener.inputs["loadBalancerArn"] == environment.outputs["loadBalancers"][0]
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (80, "HTTP")
    assert listener.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]


def test_the_instance_profile_may_do_exactly_what_the_grants_say(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    region = view.config.organization.region
    search = view.config.services[account].web.search
    profile = view.one(INSTANCE_PROFILE, account)
    role = view.one(ROLE, account, "-web-instance-role")
    assert profile.inputs["role"] == role.inputs["name"] == profile.inputs["name"]
    assert role.inputs["name"] == f"shop-{account}-{view.config.data[account].search.app_role}"
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}
    policies = sorted((p for p in view.of(ROLE_POLICY, account) if p.inputs["role"] == role.id), key=lambda p: p.name)
    assert policies == [view.one(ROLE_POLICY, account, "-web-app-policy"),
                        view.one(ROLE_POLICY, account, "-web-platform-policy")]
    assert [a for a in view.of(ATTACHMENT, account) if a.inputs["role"] == role.inputs["name"]] == []
    assert "managedPolicyArns" not in role.inputs

    cluster, domain = view.one(CLUSTER, account), view.one(DOMAIN, account)
    stream = view.one(STREAM, account)
    secret_arn = cluster.outputs["masterUserSecrets"][0]["secretArn"]
    templates = sorted(view.of(SES_TEMPLATE, account), key=lambda t: list(TEMPLATE_ORDER).index(t.inputs["name"]))
    key = view.by_reference
    statements = json.loads(view.one(ROLE_POLICY, account, "-web-app-policy").inputs["policy"])["Statement"]
    assert [s["Action"] for s in statements] == [
        ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], "kms:Decrypt",
        sorted(f"es:ESHttp{method.capitalize()}" for method in search.methods),
        ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"],
        "kms:GenerateDataKey",
        ["ses:SendEmail", "ses:SendTemplatedEmail"],
        "lambda:InvokeFunctionUrl",
        "lambda:InvokeFunction",
    ]
    read_secret, decrypt_secret, query, put, encrypt_stream, send, recommend, invoke = statements
    [api] = [f for f in view.of(FUNCTION, account) if f.name.endswith("-curation-api")]
    assert recommend["Resource"] == invoke["Resource"] == api.outputs["arn"]
    assert recommend["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}
    assert invoke["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}
    assert read_secret["Resource"] == secret_arn
    assert key(decrypt_secret["Resource"]).name == f"{account}-data-keys-database"
    assert decrypt_secret["Condition"] == {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}
    assert cluster.inputs["masterUserSecretKmsKeyId"] == decrypt_secret["Resource"]
    paths = query["Resource"] if isinstance(query["Resource"], list) else [query["Resource"]]
    assert paths == [f"{domain.outputs['arn']}/{path.strip('/')}" for path in search.paths]
    assert put["Resource"] == stream.outputs["arn"]
    assert key(encrypt_stream["Resource"]).name == f"{account}-data-keys-stream"
    assert stream.inputs["kmsKeyId"] == encrypt_stream["Resource"]
    email = view.config.services[account].email
    assert send["Resource"] == [view.one(EMAIL_IDENTITY, account).outputs["arn"],
                                view.one(CONFIGURATION_SET, account).outputs["arn"],
                                *[template.outputs["arn"] for template in templates]]
    assert send["Condition"] == {"StringEquals": {"ses:FromAddress": f"{email.sender}@{email.domain}"}}
    assert all(view.account(key(arn)) == account for arn in [decrypt_secret["Resource"], put["Resource"], *send["Resource"]])


def test_the_environment_carries_endpoints_names_and_secret_arns_never_secrets(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    spec = view.config.services[account]
    cluster, domain = view.one(CLUSTER, account), view.one(DOMAIN, account)
    variables = {name: value for (namespace, name), value in _settings(view.one(ENVIRONMENT, account)).items()
                 if namespace == APP_ENVIRONMENT}
    assert variables == {
        "AWS_REGION": view.config.organization.region,
        "DATABASE_READER_ENDPOINT": cluster.outputs["readerEndpoint"],
        "DATABASE_PORT": str(cluster.inputs["port"]),
        "DATABASE_SECRET_ARN": cluster.outputs["masterUserSecrets"][0]["secretArn"],
        "SEARCH_ENDPOINT": domain.outputs["endpoint"],
        "EVENT_STREAM_NAME": f"shop-{account}-events",
        "EMAIL_FROM_ADDRESS": spec.email.from_address,
        "EMAIL_CONFIGURATION_SET": f"shop-{account}-email",
        "EMAIL_TEMPLATES": ",".join(TEMPLATE_ORDER),
        "RECOMMENDATIONS_URL": view.one("aws:lambda/functionUrl:FunctionUrl", account).outputs["functionUrl"],
        **spec.web.variables,
    }
    assert not any("password" in name.lower() for name in variables)


def test_a_configured_bundle_is_deployed_as_an_application_version(services_switched: Run) -> None:
    view = view_of(services_switched)
    version = view.one(APPLICATION_VERSION, "dev")
    assert version.inputs == {"name": BUNDLE["version_label"], "application": "shop-dev-web",
                              "bucket": BUNDLE["bucket"], "key": BUNDLE["key"]}
    assert view.one(ENVIRONMENT, "dev").inputs["version"] == BUNDLE["version_label"]


def test_the_web_service_can_be_switched_off(services_switched: Run) -> None:
    view = view_of(services_switched)
    assert view.of(ENVIRONMENT, "ops") == [] and view.of(INSTANCE_PROFILE, "ops") == []
    assert view.of(APPLICATION, "ops") == [] and view.of(LISTENER, "ops") == []
    assert len(view.of(ENVIRONMENT, "dev")) == 1


def _proxy_rules(view: RunView, account: str) -> list[dict[str, Any]]:
    return [r.inputs for r in view.of(EGRESS, account) + view.of(INGRESS, account)
            if "Beanstalk proxy" in r.inputs.get("description", "")]


def test_the_proxy_rule_is_added_only_when_the_shared_groups_lack_it(stack_run: Run, services_switched: Run) -> None:
    view = view_of(stack_run)
    for account in WORKLOADS:  # network.security_groups admits 80, where the platform's proxy listens
        assert _proxy_rules(view, account) == []
    view = view_of(services_switched)  # dev's instance_port is 8080 there: the shared rules don't reach it
    rules = _proxy_rules(view, "dev")
    assert len(rules) == 2 and {(r["fromPort"], r["toPort"]) for r in rules} == {(8080, 8080)}
    settings = _settings(view.one(ENVIRONMENT, "dev"))
    assert settings[("aws:elasticbeanstalk:environment:process:default", "Port")] == "8080"


@pytest.mark.parametrize("account", WORKLOADS)
def test_the_platform_policy_is_scoped_to_this_environment(stack_run: Run, account: str) -> None:
    view = view_of(stack_run)
    environment = view.one(ENVIRONMENT, account)
    account_id = view.inventory.run.by_urn(environment.urn).outputs["arn"].split(":")[4]
    name, application = environment.inputs["name"], environment.inputs["application"]
    statements = json.loads(view.one(ROLE_POLICY, account, "-web-platform-policy").inputs["policy"])["Statement"]
    logs, find_groups, health, storage, ssm = statements
    assert ssm["Sid"] == "RegisterWithSystemsManager" and ssm["Resource"] == "*"
    assert "ssm:UpdateInstanceInformation" in ssm["Action"]
    assert {action.split(":")[0] for action in ssm["Action"]} == {"ec2messages", "ssm", "ssmmessages"}
    assert logs["Action"] == ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    assert (find_groups["Action"], find_groups["Resource"]) == ("logs:DescribeLogGroups", "*")
    prefix = f"arn:aws:logs:ap-northeast-2:{account_id}:log-group:/aws/elasticbeanstalk/{name}/*"
    assert logs["Resource"] == [prefix, f"{prefix}:log-stream:*"]
    assert health["Action"] == "elasticbeanstalk:PutInstanceStatistics"
    assert health["Resource"] == [f"arn:aws:elasticbeanstalk:ap-northeast-2:{account_id}:application/{application}",
                                  f"arn:aws:elasticbeanstalk:ap-northeast-2:{account_id}:environment/{application}/{name}"]
    bucket = f"arn:aws:s3:::elasticbeanstalk-ap-northeast-2-{account_id}"
    assert storage["Resource"] == [bucket, f"{bucket}/*"]


def test_a_configured_bundle_may_be_fetched_and_nothing_else(services_switched: Run) -> None:
    view = view_of(services_switched)
    statements = json.loads(view.one(ROLE_POLICY, "dev", "-web-platform-policy").inputs["policy"])["Statement"]
    assert statements[-1] == {"Sid": "FetchSourceBundle", "Effect": "Allow", "Action": "s3:GetObject",
                              "Resource": f"arn:aws:s3:::{BUNDLE['bucket']}/{BUNDLE['key']}"}
