"""The shop's web service on Elastic Beanstalk: developers bring a source bundle, the platform gives them a load-
balanced, HTTPS-only, self-updating environment whose instances may do exactly what the app's grants say.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.monitoring.monitor import Monitor
from components.policy_document import PolicyDocument, Statement
from components.security_groups import connect, tcp
from components.vpc import Vpc
from components.web.access import AppAccess
from components.web.options import EnvironmentPlacement, option_settings
from config.services import BundleConfig, WebConfig


class WebService(pulumi.ComponentResource):
    """Application and environment; `app_statements` (from other components' grant_* helpers) are the whole of
    what the instances may do. Beanstalk itself acts through its service-linked roles (monitoring for enhanced
    health, managed updates), which AWS defines, so the program attaches no AWS-managed policy. Attributes:

    application_name, environment_name    str
    environment_id, endpoint_url, cname  Output[str]
    load_balancer_arn                     Output[str]
    """

    def __init__(self, name: str, spec: WebConfig, home: Home, *, vpc: Vpc, app_role: str, access: AppAccess,
                 monitor: Monitor, opts: pulumi.ResourceOptions | None = None):
        """Instances in `vpc`'s app subnets, the load balancer in its public ones, both in groups the VPC's segment
        configures; the instances run as the role `<org>-<account>-<app_role>` (the role the search domain admits,
        data.<account>.search.app_role) with `access`'s grants and variables."""
        super().__init__("landing-zone:web:WebService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account, account_id, region, production = home.account, home.account_id, home.region, home.production
        instance_role_name = home.name(app_role, kind="iam")
        groups = vpc.group_configs
        instance_group = vpc.security_groups[spec.instance_security_group]
        load_balancer_group = vpc.security_groups[spec.load_balancer_group(groups)]
        open_proxy_port = not spec.proxy_port_open(groups)
        app_statements, environment = access.statements, access.environment | spec.variables
        self.application_name = home.name("web", kind="beanstalk-application")
        self.environment_name = home.name("web", kind="beanstalk-environment")

        self.instance_role = aws.iam.Role(
            f"{name}-instance-role",
            name=instance_role_name,
            description=f"Instances of {self.environment_name}: exactly the app's grants",
            assume_role_policy=_trust("ec2.amazonaws.com").to_json(),
            opts=child,
        )
        self.app_policy: aws.iam.RolePolicy | None = None
        if app_statements:
            self.app_policy = aws.iam.RolePolicy(
                f"{name}-app-policy", name="application", role=self.instance_role.id,
                policy=PolicyDocument(list(app_statements)).to_json(), opts=child)
        # What the platform itself needs on the instances, scoped to this environment: stream its logs to
        # CloudWatch, report enhanced health, and fetch the configured bundle.
        self.platform_policy = aws.iam.RolePolicy(
            f"{name}-platform-policy", name="platform", role=self.instance_role.id,
            policy=_platform_document(region, account_id, self.application_name, environment=self.environment_name,
                                      bundle=spec.bundle).to_json(), opts=child)
        self.instance_profile = aws.iam.InstanceProfile(
            f"{name}-instance-profile", name=instance_role_name,
            role=self.instance_role.name, opts=child)

        self.application = aws.elasticbeanstalk.Application(
            f"{name}-application", name=self.application_name,
            description=f"The shop's web service in {account}", opts=child)
        version_label: pulumi.Input[str] | None = None
        if spec.bundle is not None:
            version = aws.elasticbeanstalk.ApplicationVersion(
                f"{name}-version", name=spec.bundle.version_label, application=self.application.name,
                bucket=spec.bundle.bucket, key=spec.bundle.key, opts=child)
            version_label = version.name

        if open_proxy_port:  # the shared groups' own rules do not reach the platform's proxy port yet
            connect(load_balancer_group, instance_group, tcp(spec.instance_port),
                    description=f"load balancer to the Beanstalk proxy of {self.environment_name}")
        placement = EnvironmentPlacement(
            vpc_id=vpc.vpc_id, instance_subnet_ids=vpc.subnet_ids("app"), load_balancer_subnet_ids=vpc.subnet_ids("public"),
            instance_security_group_id=instance_group.id, load_balancer_security_group_id=load_balancer_group.id,
            instance_profile_name=self.instance_profile.name,
        )
        ready = [self.instance_profile, self.platform_policy, *([self.app_policy] if self.app_policy else [])]
        self.environment = aws.elasticbeanstalk.Environment(
            f"{name}-environment",
            name=self.environment_name,
            application=self.application.name,
            tier="WebServer",
            solution_stack_name=spec.solution_stack,
            version=version_label,  # none: Beanstalk starts the platform's sample application
            settings=[aws.elasticbeanstalk.EnvironmentSettingArgs(namespace=namespace, name=option, value=value)
                      for namespace, option, value in option_settings(spec, placement, environment,
                                                                                keep_logs=production)],
            # Managed platform updates move the environment to newer platform versions: the configured stack is
            # what a new environment starts on, and AWS owns the version after that.
            opts=pulumi.ResourceOptions(parent=self, depends_on=ready,
                                        ignore_changes=["solutionStackName", "platformArn"]),
        )
        self.environment_id: pulumi.Output[str] = self.environment.id
        self.endpoint_url: pulumi.Output[str] = self.environment.endpoint_url
        self.cname: pulumi.Output[str] = self.environment.cname
        self.load_balancer_arn: pulumi.Output[str] = self.environment.load_balancers.apply(lambda arns: arns[0])

        # Beanstalk cannot make a listener redirect, so port 80 is ours: it sends every request to HTTPS.
        self.http_redirect = aws.lb.Listener(
            f"{name}-http-redirect",
            load_balancer_arn=self.load_balancer_arn,
            port=80,
            protocol="HTTP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(port="443", protocol="HTTPS", status_code="HTTP_301"),
            )],
            opts=child,
        )
        monitor.watch("beanstalk", account, {"EnvironmentName": self.environment_name}, name="web", section="web")
        self.register_outputs({
            "application_name": self.application_name,
            "environment_name": self.environment_name,
            "endpoint_url": self.endpoint_url,
            "load_balancer_arn": self.load_balancer_arn,
        })


def _trust(service: str) -> PolicyDocument:
    return PolicyDocument([Statement("Allow", ["sts:AssumeRole"], principals={"Service": [service]}, sid="ServiceAssumes")])


def _platform_document(region: str, account_id: pulumi.Input[str], application: str, *, environment: str,
                       bundle: BundleConfig | None) -> PolicyDocument:
    """The instance-side permissions Beanstalk's own agents use, for this application and environment only."""
    prefix = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:/aws/elasticbeanstalk/",
                                  environment, "/*")
    beanstalk = pulumi.Output.concat("arn:aws:elasticbeanstalk:", region, ":", account_id, ":")
    statements = [
        Statement("Allow", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                  [prefix, pulumi.Output.concat(prefix, ":log-stream:*")], sid="StreamPlatformLogs"),
        # The platform's log agent looks its groups up first, as AWS's own instance policy allows
        # (AWSElasticBeanstalkWebTier); DescribeLogGroups authorizes only against "*" (it lists, reads no data).
        Statement("Allow", ["logs:DescribeLogGroups"], ["*"], sid="FindPlatformLogGroups"),
        Statement("Allow", ["elasticbeanstalk:PutInstanceStatistics"],
                  [pulumi.Output.concat(beanstalk, "application/", application),
                   pulumi.Output.concat(beanstalk, "environment/", application, "/", environment)],
                  sid="ReportEnhancedHealth"),
        # Beanstalk's own storage bucket in the account: application versions in, rotated logs out.
        Statement("Allow", ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                  [pulumi.Output.concat("arn:aws:s3:::elasticbeanstalk-", region, "-", account_id),
                   pulumi.Output.concat("arn:aws:s3:::elasticbeanstalk-", region, "-", account_id, "/*")],
                  sid="PlatformStorageBucket"),
        # The SSM agent registers the instance and carries Session Manager (Security Hub SSM.1); these calls name
        # no resource (Systems Manager user guide, "Create an instance profile": AmazonSSMManagedInstanceCore).
        Statement("Allow", ["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
                            "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
                            "ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel",
                            "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
                            "ssmmessages:OpenDataChannel"], ["*"], sid="RegisterWithSystemsManager"),
    ]
    if bundle is not None:
        statements.append(Statement("Allow", ["s3:GetObject"], [f"arn:aws:s3:::{bundle.bucket}/{bundle.key}"],
                                    sid="FetchSourceBundle"))
    return PolicyDocument(statements)
