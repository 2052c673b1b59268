"""Compute and web controls: the instances, Auto Scaling group, launch template and load balancer Elastic Beanstalk
creates for each environment, read from the environment's option settings, and the environment itself.

Elastic Beanstalk option settings: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html.
A setting Beanstalk does not offer (load balancer deletion protection, dropping invalid headers, the group's health
check type) leaves AWS's default, which is what Security Hub then finds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

if __package__:  # imported as policy.controls_compute by the preview and the tests
    from . import rules
    from .security_hub import Estate, Finding, decided_at_runtime, evaluates, label
else:  # the CrossGuard pack imports its modules from the pack directory
    import rules  # type: ignore[no-redef]
    from security_hub import (  # type: ignore[no-redef]
        Estate,
        Finding,
        decided_at_runtime,
        evaluates,
        label,
    )

SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
# The call the SSM agent makes to register the instance with Systems Manager.
SSM_REGISTRATION = "ssm:UpdateInstanceInformation"
# Instance families that ever offered paravirtual AMIs (all current generations are HVM only).
PARAVIRTUAL_FAMILIES = frozenset({"c1", "c3", "cc2", "cg1", "cr1", "hi1", "hs1", "m1", "m2", "m3", "t1"})

decided_at_runtime("whether an instance sits stopped, or gains extra network interfaces, shows only at run time; "
                   "Elastic Beanstalk replaces stopped instances and attaches one interface", "EC2.4", "EC2.17")

Settings = Mapping[tuple[str, str], str]


def _environments(estate: Estate) -> list[tuple[rules.Resource, Settings]]:
    return [(e, rules.beanstalk_settings(e.inputs)) for e in estate.of(rules.BEANSTALK_ENVIRONMENT)
            if e.inputs.get("tier", "WebServer") == "WebServer"]


def _each(estate: Estate, ok: Callable[[rules.Resource, Settings], bool], passed: str,
          *, failed: str) -> Iterator[Finding]:
    for environment, settings in _environments(estate):
        good = ok(environment, settings)
        yield Finding(environment.urn, good, (passed if good else failed).format(name=label(environment)))


def _true(settings: Settings, namespace: str, option: str) -> bool:
    return settings.get((namespace, option), "").lower() == "true"


def _list(settings: Settings, namespace: str, option: str) -> list[str]:
    return [v for v in settings.get((namespace, option), "").split(",") if v]


def _load_balancers(estate: Estate, ok: Callable[[Mapping[str, Any]], bool], passed: str,
                    *, failed: str) -> Iterator[Finding]:
    """Findings for the application load balancers the program creates itself (its inputs set the attributes)."""
    for balancer in estate.of(rules.LOAD_BALANCER):
        if balancer.inputs.get("loadBalancerType", "application") == "application":
            good = ok(balancer.inputs)
            yield Finding(balancer.urn, good, (passed if good else failed).format(name=label(balancer)))


LAUNCH = "aws:autoscaling:launchconfiguration"
VPC = "aws:ec2:vpc"
BALANCER = "aws:elbv2:loadbalancer"


@evaluates("EC2.8")
def imdsv2_only(estate: Estate) -> Iterator[Finding]:
    """EC2.8: instances answer metadata requests over IMDSv2 only (DisableIMDSv1)."""
    yield from _each(estate, lambda _, s: _true(s, LAUNCH, "DisableIMDSv1"),
                     "instances of {name} use IMDSv2 only", failed="instances of {name} still answer IMDSv1")


def _no_public_ip(_: rules.Resource, settings: Settings) -> bool:
    return not _true(settings, VPC, "AssociatePublicIpAddress")


@evaluates("EC2.9")
def no_public_ip(estate: Estate) -> Iterator[Finding]:
    """EC2.9: instances get no public IPv4 address (AssociatePublicIpAddress off; they sit in private subnets)."""
    yield from _each(estate, _no_public_ip, "instances of {name} have no public IP",
                     failed="instances of {name} get public IPs")


@evaluates("EC2.25")
def launch_template_no_public_ip(estate: Estate) -> Iterator[Finding]:
    """EC2.25: the launch template Beanstalk writes assigns no public IP to network interfaces."""
    yield from _each(estate, _no_public_ip, "the launch template of {name} assigns no public IP",
                     failed="the launch template of {name} assigns public IPs")


@evaluates("EC2.3")
def volumes_encrypted(estate: Estate) -> Iterator[Finding]:
    """EC2.3: instance volumes are encrypted, by EBS encryption by default in the environment's account and region."""
    def encrypted(environment: rules.Resource, _: Settings) -> bool:
        return any(e.inputs.get("enabled", True) is True for e in estate.where(
            estate.account_of(environment), estate.region_of(environment), rules.EBS_ENCRYPTION))

    yield from _each(estate, encrypted, "volumes of {name} are encrypted by default",
                     failed="volumes of {name} are not encrypted (no EBS encryption by default)")


@evaluates("EC2.24")
def hvm_instance_types(estate: Estate) -> Iterator[Finding]:
    """EC2.24: no paravirtual instance type."""
    yield from _each(estate, lambda _, s: not any(t.split(".")[0] in PARAVIRTUAL_FAMILIES
                                                  for t in _list(s, "aws:ec2:instances", "InstanceTypes")),
                     "instances of {name} are HVM types", failed="instances of {name} include a paravirtual type")


def _instance_role(estate: Estate, settings: Settings) -> rules.Resource | None:
    profile_name = settings.get((LAUNCH, "IamInstanceProfile"))
    for profile in estate.of(rules.INSTANCE_PROFILE):
        if profile.inputs.get("name") == profile_name:
            roles = estate.graph.deps(profile, "role", rules.IAM_ROLE)
            return roles[0] if roles else None
    return None


def registers_with_ssm(estate: Estate, role: rules.Resource) -> bool:
    """Whether the role may register instances with Systems Manager (the AWS-managed core policy, or an inline
    policy allowing ssm:UpdateInstanceInformation)."""
    attached = [a for a in estate.graph.dependents(role, "role", rules.IAM_ROLE_POLICY_ATTACHMENT)
                if a.inputs.get("policyArn") == SSM_CORE_POLICY]
    inline = [s for p in estate.graph.dependents(role, "role", rules.IAM_ROLE_POLICY)
              for s in rules.policy_statements(p.inputs.get("policy")) if s.get("Effect") == "Allow"
              and any(a in ("*", "ssm:*", SSM_REGISTRATION) for a in rules.as_list(s.get("Action")))]
    return bool(attached or inline)


@evaluates("SSM.1")
def managed_by_ssm(estate: Estate) -> Iterator[Finding]:
    """SSM.1: instances are managed by Systems Manager: their role lets the SSM agent register them."""
    def managed(_: rules.Resource, settings: Settings) -> bool:
        role = _instance_role(estate, settings)
        return role is not None and registers_with_ssm(estate, role)

    yield from _each(estate, managed, "instances of {name} register with Systems Manager",
                     failed="the instance role of {name} cannot register with Systems Manager")


@evaluates("AutoScaling.2")
def group_multi_az(estate: Estate) -> Iterator[Finding]:
    """AutoScaling.2: the environment's instances spread over more than one AZ (its Subnets)."""
    yield from _each(estate, lambda _, s: len(_list(s, VPC, "Subnets")) >= 2,
                     "instances of {name} span several AZs", failed="instances of {name} sit in one subnet")


@evaluates("AutoScaling.6")
def group_instance_types(estate: Estate) -> Iterator[Finding]:
    """AutoScaling.6: the group uses more than one instance type, in more than one AZ."""
    yield from _each(estate, lambda _, s: len(_list(s, "aws:ec2:instances", "InstanceTypes")) >= 2
                     and len(_list(s, VPC, "Subnets")) >= 2,
                     "{name} runs several instance types in several AZs", failed="{name} runs one instance type")


@evaluates("AutoScaling.9")
def group_launch_template(estate: Estate) -> Iterator[Finding]:
    """AutoScaling.9: the group launches from a launch template, which Beanstalk writes when IMDSv1 is off."""
    yield from _each(estate, lambda _, s: _true(s, LAUNCH, "DisableIMDSv1"),
                     "{name} launches from a launch template", failed="{name} may launch from a launch configuration")


@evaluates("AutoScaling.1")
def group_elb_health_checks(estate: Estate) -> Iterator[Finding]:
    """AutoScaling.1: a group behind a load balancer replaces the instances it finds unhealthy (health check type
    ELB). Beanstalk offers no option setting for it, so its groups keep EC2 health checks."""
    yield from _each(estate, lambda _, s: False, "", failed="the Auto Scaling group of {name} uses EC2 health checks")
    for group in estate.of(rules.AUTO_SCALING_GROUP):
        if group.inputs.get("targetGroupArns") or group.inputs.get("loadBalancers"):
            good = group.inputs.get("healthCheckType") == "ELB"
            yield Finding(group.urn, good, f"group {label(group)} uses {'ELB' if good else 'EC2'} health checks")


def _http_redirected(estate: Estate, environment: rules.Resource, settings: Settings) -> bool:
    """Every HTTP listener redirects to HTTPS: Beanstalk's plain listeners are off and ours redirect."""
    plain = [ns for (ns, option), value in settings.items() if ns.startswith("aws:elbv2:listener:")
             and option == "Protocol" and value.upper() == "HTTP"
             and settings.get((ns, "ListenerEnabled"), "true").lower() != "false"]
    if settings.get(("aws:elbv2:listener:default", "ListenerEnabled"), "true").lower() != "false":
        plain.append("aws:elbv2:listener:default")
    ours = [listener for listener in estate.graph.dependents(environment, "loadBalancerArn", rules.LB_LISTENER)
            if str(listener.inputs.get("protocol", "")).upper() == "HTTP"]
    redirects = all(any(str((a.get("redirect") or {}).get("protocol") or "").upper() == "HTTPS"
                        for a in rules.as_list(listener.inputs.get("defaultActions"))) for listener in ours)
    return not plain and redirects


@evaluates("ELB.1")
def alb_redirects_http(estate: Estate) -> Iterator[Finding]:
    """ELB.1: HTTP requests to the load balancer are redirected to HTTPS."""
    yield from _each(estate, lambda e, s: _http_redirected(estate, e, s), "the load balancer of {name} redirects "
                     "HTTP to HTTPS", failed="the load balancer of {name} serves plain HTTP")


@evaluates("ELB.4")
def alb_drops_invalid_headers(estate: Estate) -> Iterator[Finding]:
    """ELB.4: the load balancer drops invalid HTTP headers; Beanstalk cannot set it, so AWS's default (off) stays."""
    yield from _each(estate, lambda _, s: False, "", failed="the load balancer of {name} keeps invalid headers "
                     "(routing.http.drop_invalid_header_fields is off)")
    yield from _load_balancers(estate, lambda i: i.get("dropInvalidHeaderFields") is True,
                               "load balancer {name} drops invalid headers", failed="load balancer {name} keeps invalid headers")


@evaluates("ELB.5")
def alb_access_logs(estate: Estate) -> Iterator[Finding]:
    """ELB.5: the load balancer writes access logs (AccessLogsS3Enabled)."""
    yield from _each(estate, lambda _, s: _true(s, BALANCER, "AccessLogsS3Enabled"),
                     "the load balancer of {name} writes access logs", failed="the load balancer of {name} writes no access logs")
    yield from _load_balancers(estate, lambda i: (i.get("accessLogs") or {}).get("enabled") is True,
                               "load balancer {name} writes access logs", failed="load balancer {name} writes no access logs")


@evaluates("ELB.6")
def alb_deletion_protection(estate: Estate) -> Iterator[Finding]:
    """ELB.6: deletion protection on the load balancer; Beanstalk, which deletes and replaces it, cannot set it."""
    yield from _each(estate, lambda _, s: False, "", failed="the load balancer of {name} has no deletion protection")
    yield from _load_balancers(estate, lambda i: i.get("enableDeletionProtection") is True,
                               "load balancer {name} has deletion protection",
                               failed="load balancer {name} has no deletion protection")


@evaluates("ELB.12")
def alb_desync_mitigation(estate: Estate) -> Iterator[Finding]:
    """ELB.12: desync mitigation is defensive or strictest; AWS's default is defensive and Beanstalk keeps it."""
    yield from _each(estate, lambda _, s: True, "the load balancer of {name} keeps defensive desync mitigation", failed="")
    yield from _load_balancers(estate, lambda i: i.get("desyncMitigationMode", "defensive") in ("defensive", "strictest"),
                               "load balancer {name} mitigates desync", failed="load balancer {name} tolerates request desync")


@evaluates("ELB.13")
def alb_multi_az(estate: Estate) -> Iterator[Finding]:
    """ELB.13: the load balancer spans more than one AZ (its ELBSubnets)."""
    yield from _each(estate, lambda _, s: len(_list(s, VPC, "ELBSubnets")) >= 2,
                     "the load balancer of {name} spans several AZs", failed="the load balancer of {name} sits in one AZ")
    yield from _load_balancers(estate, lambda i: len(rules.as_list(i.get("subnets"))) >= 2,
                               "load balancer {name} spans several AZs", failed="load balancer {name} sits in one AZ")


@evaluates("ElasticBeanstalk.1")
def enhanced_health(estate: Estate) -> Iterator[Finding]:
    """ElasticBeanstalk.1: enhanced health reporting."""
    yield from _each(estate, lambda _, s: s.get(("aws:elasticbeanstalk:healthreporting:system", "SystemType"))
                     == "enhanced", "{name} reports enhanced health", failed="{name} reports basic health only")


@evaluates("ElasticBeanstalk.2")
def managed_updates(estate: Estate) -> Iterator[Finding]:
    """ElasticBeanstalk.2: managed platform updates."""
    yield from _each(estate, lambda _, s: _true(s, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"),
                     "{name} takes managed platform updates", failed="{name} takes no managed platform updates")


@evaluates("ElasticBeanstalk.3")
def streams_logs(estate: Estate) -> Iterator[Finding]:
    """ElasticBeanstalk.3: instance logs stream to CloudWatch Logs."""
    yield from _each(estate, lambda _, s: _true(s, "aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"),
                     "{name} streams its logs to CloudWatch", failed="{name} keeps its logs on the instances")
