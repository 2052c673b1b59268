"""`landing-zone:services`: per workload account, the web service, SES e-mail and the curation service.

Each service is switched on with `enabled` and sized here; everything it needs from other sections (the VPC,
the data tier) is checked across sections in `config/checks/services.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from config.base import LOG_RETENTION_DAYS, Model
from config.security_groups import SecurityGroupConfig, SecurityGroupRuleConfig

# Runtimes the curation package is tested on and AWS supports.
LambdaRuntime = Literal["python3.12", "python3.13"]

DomainName = Annotated[
    str,
    StringConstraints(pattern=r"^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", max_length=253),
    Field(description="A lowercase DNS domain name, e.g. `shop.example`."),
]

CERTIFICATE_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/"
                             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Queries only: the app reads the index; writing it is the indexing pipeline's job.
HttpMethod = Literal["GET", "HEAD", "POST"]

EnvironmentVariableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"CloudWatch Logs keeps logs for one of {list(LOG_RETENTION_DAYS)} days, got {value}")
    return value


# --- SES e-mail ---------------------------------------------------------------------------------------------------

class EmailConfig(Model):
    """SES sending for the shop's welcome, sign-up verification and coupon e-mails."""

    enabled: bool = Field(False, description="Build the SES identity, configuration set and templates.")
    domain: DomainName | None = Field(None, description="Lowercase DNS domain the e-mails come from, e.g. "
                                                        "`shop.example` (an SES identity with Easy DKIM); required "
                                                        "when enabled.")
    sender: str = Field("shop", pattern=r"^[a-z0-9][a-z0-9._+-]{0,63}$",
                        description="Local part of the one From address the app may use: `<sender>@<domain>`.")
    mail_from_subdomain: str = Field("mail", pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                                     description="Custom MAIL FROM domain is `<this>.<domain>` (SPF and bounces).")
    hosted_zone_id: str | None = Field(
        None, pattern=r"^Z[A-Z0-9]{1,31}$",
        description="Route 53 public hosted zone of `domain` in this account; when set, the DKIM, MX and SPF "
                    "records are created there, otherwise publish them by hand.")

    @model_validator(mode="after")
    def _domain_when_enabled(self) -> EmailConfig:
        if self.enabled and self.domain is None:
            raise ValueError("an enabled e-mail service needs `domain`, e.g. `shop.example`")
        return self

    @property
    def mail_from_domain(self) -> str:
        return f"{self.mail_from_subdomain}.{self.domain}"

    @property
    def from_address(self) -> str:
        return f"{self.sender}@{self.domain}"


# --- Curation service ---------------------------------------------------------------------------------------------

class CurationTuning(Model):
    """Overrides of the curation code's defaults (functions/curation/settings.py); unset keeps the default."""

    purchase_weight: float | None = Field(None, gt=0, description="Score per pair bought together (default 3.0).")
    cart_weight: float | None = Field(None, gt=0, description="Score per pair carted together (default 1.0).")
    click_weight: float | None = Field(None, gt=0, description="Popularity per click (default 0.2).")
    half_life_hours: float | None = Field(None, gt=0, description="Hours after which a score counts half (168).")
    top_neighbours: int | None = Field(None, ge=1, le=1000, description="Neighbours kept per item (20).")
    popular_size: int | None = Field(None, ge=1, le=1000, description="Items on the popularity leaderboard (100).")

    def environment(self) -> dict[str, str]:
        """The ingest function's tuning variables, only those set."""
        return {name.upper(): str(value) for name, value in self.model_dump().items() if value is not None}


class CurationConfig(Model):
    """The recommendation service: a Kinesis consumer that keeps co-occurrence scores and an API behind a URL."""

    enabled: bool = Field(False, description="Build the table, failure queue, both functions and the stream mapping.")
    runtime: LambdaRuntime = Field("python3.12", description="Lambda runtime of both functions.")
    ingest_memory_mb: int = Field(512, ge=128, le=10240, description="Memory of the stream consumer.")
    ingest_timeout_seconds: int = Field(60, ge=1, le=900, description="Time limit of one batch.")
    api_memory_mb: int = Field(256, ge=128, le=10240, description="Memory of the recommendations API.")
    api_timeout_seconds: int = Field(10, ge=1, le=900, description="Time limit of one API request.")
    batch_size: int = Field(500, ge=1, le=10000, description="Records per invocation of the consumer.")
    batching_window_seconds: int = Field(5, ge=0, le=300, description="How long to gather a batch before invoking.")
    parallelization_factor: int = Field(1, ge=1, le=10, description="Concurrent batches per shard.")
    starting_position: Literal["TRIM_HORIZON", "LATEST"] = Field(
        "TRIM_HORIZON", description="Where a new mapping starts reading; TRIM_HORIZON learns from retained history.")
    # Finite retries and age, so a poison batch ends in the failure queue instead of blocking its shard.
    maximum_retry_attempts: int = Field(5, ge=0, le=10000, description="Retries of a failing batch (finite).")
    maximum_record_age_seconds: int = Field(3600, ge=60, le=604800, description="Older records go to the queue.")
    failure_retention_days: int = Field(14, ge=1, le=14, description="How long the failure queue keeps messages.")
    log_retention_days: int = Field(30, description="Retention of the functions' log groups.")
    tuning: CurationTuning = Field(default_factory=CurationTuning, description="Scoring overrides for ingest.")

    _log_retention = field_validator("log_retention_days")(_retention)


# --- Elastic Beanstalk web service --------------------------------------------------------------------------------

class ScalingTriggerConfig(Model):
    """The Auto Scaling trigger (namespace aws:autoscaling:trigger)."""

    measure: Literal["CPUUtilization", "NetworkIn", "NetworkOut", "RequestCount", "Latency", "TargetResponseTime"] = (
        Field("CPUUtilization", description="CloudWatch metric the group scales on."))
    statistic: Literal["Minimum", "Maximum", "Sum", "Average"] = Field("Average", description="Statistic of the metric.")
    unit: Literal["Seconds", "Percent", "Bytes", "Bits", "Count", "Bytes/Second", "Bits/Second", "Count/Second",
                  "None"] = Field("Percent", description="Unit of the thresholds.")
    lower_threshold: float = Field(30, ge=0, description="Scale in below this.")
    upper_threshold: float = Field(70, ge=0, description="Scale out above this.")
    period_minutes: int = Field(5, ge=1, le=600, description="Length of one measurement period.")
    breach_duration_minutes: int = Field(5, ge=1, le=600, description="How long a threshold must be crossed.")

    @model_validator(mode="after")
    def _thresholds(self) -> ScalingTriggerConfig:
        if self.lower_threshold >= self.upper_threshold:
            raise ValueError(f"lower_threshold ({self.lower_threshold:g}) must be below upper_threshold "
                             f"({self.upper_threshold:g})")
        return self


class ScalingConfig(Model):
    min_instances: int = Field(2, ge=1, le=10000, description="Instances always running (at least one per AZ in "
                                                               "production).")
    max_instances: int = Field(4, ge=1, le=10000, description="Instances at most; must not be below min_instances.")
    trigger: ScalingTriggerConfig = Field(default_factory=ScalingTriggerConfig, description="When to scale.")

    @model_validator(mode="after")
    def _range(self) -> ScalingConfig:
        if self.min_instances > self.max_instances:
            raise ValueError(f"min_instances ({self.min_instances}) is above max_instances ({self.max_instances}); "
                             "raise max_instances or lower min_instances")
        return self


class SearchAccessConfig(Model):
    """What the web service may ask of the search domain (its HTTP API), and nothing else."""

    paths: list[str] = Field(default_factory=lambda: ["/products/_search"], min_length=1,
                             description="Domain paths the app may call, each starting with `/`; `*` matches any "
                                         "characters, e.g. `/products/_doc/*`.")
    methods: list[HttpMethod] = Field(
        default_factory=lambda: list[HttpMethod](["GET", "POST"]), min_length=1,
        description="HTTP methods allowed on those paths.")

    @field_validator("paths")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        for path in paths:
            if not path.startswith("/"):
                raise ValueError(f"search path `{path}` must start with `/`, e.g. `/{path.lstrip('/') or 'products'}`")
            if not re.fullmatch(r"/[A-Za-z0-9_.*/-]*", path):
                raise ValueError(f"search path `{path}` may hold only letters, digits, `_ . - / *`")
            if not path.strip("/*"):
                raise ValueError(f"search path `{path}` would open the whole domain; name the index and API, "
                                 "e.g. `/products/_search`")
        return paths

    @model_validator(mode="after")
    def _post_only_queries(self) -> SearchAccessConfig:
        # POST to `_doc` indexes documents; only the query APIs take a body the app may send.
        if "POST" in self.methods:
            writable = [p for p in self.paths if not re.search(r"/_(search|msearch|count)$", p)]
            if writable:
                raise ValueError(f"POST on {writable} would write the index; allow POST only on `_search`, "
                                 "`_msearch` or `_count` paths and reach documents with GET")
        return self


class BundleConfig(Model):
    """An application version in S3 (a zip the CI built)."""

    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", description="S3 bucket of the source bundle.")
    key: str = Field(min_length=1, max_length=1024, description="Object key of the zip.")
    version_label: str = Field(pattern=r"^[A-Za-z0-9._-]{1,100}$", description="Label of this application version.")


class ManagedUpdatesConfig(Model):
    preferred_start_time: str = Field(
        "Sun:18:00", pattern=r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$",
        description="Weekly maintenance window start, UTC, `Day:HH:MM` (Sun 18:00 UTC is Mon 03:00 in Seoul).")
    update_level: Literal["minor", "patch"] = Field("minor", description="Highest platform update applied automatically.")


class WebConfig(Model):
    """The shop's web service on Elastic Beanstalk: developers bring only their source bundle."""

    enabled: bool = Field(False, description="Build the Beanstalk application and environment.")
    solution_stack: str = Field(
        "64bit Amazon Linux 2023 v4.5.2 running Python 3.12", min_length=1, max_length=100,
        description="Beanstalk solution stack a new environment starts on (`aws elasticbeanstalk "
                    "list-available-solution-stacks`). Managed platform updates then move it to newer versions "
                    "of the same platform branch, and the program leaves the version to them (changing it here "
                    "changes nothing for an existing environment).")
    instance_types: list[str] = Field(default_factory=lambda: ["t3.small"], min_length=1,
                                      description="EC2 instance types, first preferred.")
    certificate_arn: str | None = Field(
        None, description="ACM certificate of the HTTPS listener, in the stack's region and this account; "
                          "required when enabled.")
    ssl_policy: str = Field("ELBSecurityPolicy-TLS13-1-2-2021-06", pattern=r"^ELBSecurityPolicy-[A-Za-z0-9-]+$",
                            description="Security policy of the HTTPS listener (TLS 1.2 and 1.3).")
    instance_security_group: str = Field("app", description="Shared security group (network.security_groups) of "
                                                             "the instances.")
    load_balancer_security_group: str | None = Field(
        None, description="Shared security group of the load balancer; by default the account's one `public` group.")
    instance_port: int = Field(80, ge=1, le=65535, description="Port of the platform's proxy on the instances "
                                                                 "(80 on every Beanstalk Linux platform).")
    health_check_path: str = Field("/", pattern=r"^/", description="Path the load balancer checks on each instance.")
    scaling: ScalingConfig = Field(default_factory=ScalingConfig, description="Auto Scaling group size and trigger.")
    deployment_batch_percent: int = Field(25, ge=1, le=100, description="Share of instances replaced per batch "
                                                                         "(rolling with additional batch).")
    managed_updates: ManagedUpdatesConfig = Field(default_factory=ManagedUpdatesConfig,
                                                  description="Managed platform updates window and level.")
    log_retention_days: int = Field(30, description="Retention of the streamed instance and health logs.")
    search: SearchAccessConfig = Field(default_factory=SearchAccessConfig,
                                       description="The search domain's HTTP API paths and methods the app may use.")
    bundle: BundleConfig | None = Field(None, description="Application version to run; none runs the platform's "
                                                          "sample application.")
    variables: dict[EnvironmentVariableName, str] = Field(
        default_factory=dict, description="Extra plain environment variables (never secrets: pass secret ARNs).")

    _log_retention = field_validator("log_retention_days")(_retention)

    @field_validator("instance_types")
    @classmethod
    def _instance_types(cls, types: list[str]) -> list[str]:
        for name in types:
            if not re.fullmatch(r"[a-z][a-z0-9-]*\.[a-z0-9]+", name):
                raise ValueError(f"`{name}` is not an EC2 instance type; write it like `t3.small`")
        return types

    @field_validator("certificate_arn")
    @classmethod
    def _certificate_shape(cls, arn: str | None) -> str | None:
        if arn is not None and not CERTIFICATE_ARN.match(arn):
            raise ValueError(f"`{arn}` is not an ACM certificate ARN; write it like "
                             "arn:aws:acm:<region>:<account>:certificate/<uuid>")
        return arn

    @model_validator(mode="after")
    def _enabled_needs_certificate(self) -> WebConfig:
        if self.enabled and self.certificate_arn is None:
            raise ValueError("an enabled web service needs `certificate_arn` (its HTTPS listener's ACM certificate)")
        return self

    def load_balancer_group(self, groups: Mapping[str, SecurityGroupConfig]) -> str:
        """The load balancer's shared group: the configured one, else the VPC's one public group."""
        if self.load_balancer_security_group is not None:
            return self.load_balancer_security_group
        (public,) = [name for name, group in groups.items() if group.public]
        return public

    def proxy_port_open(self, groups: Mapping[str, SecurityGroupConfig]) -> bool:
        """Whether the shared groups' own rules already let the load balancer reach the instances' proxy port."""
        balancer, instances = self.load_balancer_group(groups), self.instance_security_group

        def covers(rules: list[SecurityGroupRuleConfig], peer: str) -> bool:
            return any(rule.group == peer and rule.protocol in ("tcp", "all")
                       and rule.ports[0] <= self.instance_port <= rule.ports[1] for rule in rules)

        return covers(groups[balancer].egress, instances) and covers(groups[instances].ingress, balancer)

    @property
    def certificate_region(self) -> str | None:
        match = CERTIFICATE_ARN.match(self.certificate_arn or "")
        return match["region"] if match else None

    @property
    def certificate_account(self) -> str | None:
        match = CERTIFICATE_ARN.match(self.certificate_arn or "")
        return match["account"] if match else None


# --- One account's services ---------------------------------------------------------------------------------------

class ServicesConfig(Model):
    """The application services of one workload account."""

    web: WebConfig = Field(default_factory=WebConfig, description="Elastic Beanstalk web service.")
    email: EmailConfig = Field(default_factory=EmailConfig, description="SES e-mail: identity, configuration set, "
                                                                        "templates.")
    curation: CurationConfig = Field(default_factory=CurationConfig, description="Recommendation service.")
