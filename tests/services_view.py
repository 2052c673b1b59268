"""Queries over one offline run for the services tests: resources per account, references traced by ARN or id."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from config.loader import validate
from config.secrets import SECRET_KEYS
from config.stack import StackConfig
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run
from tests.variants import Variant

WORKLOADS = ("dev", "ops")

# One variant of the dev stack holds every switch the services tests try, so the program runs once for all of them.
BUNDLE = {"bucket": "shop-build-artifacts", "key": "storefront/1.4.2.zip", "version_label": "storefront-1.4.2"}
VARIANT = {
    "landing-zone:services.ops.email.hosted_zone_id": "Z0EXAMPLE12345",  # DNS records for ops' domain
    "landing-zone:services.dev.email.enabled": False,  # no e-mail in dev: no identity, no SES grant
    "landing-zone:services.dev.web.bundle": BUNDLE,  # dev runs a bundle instead of the sample application
    "landing-zone:services.dev.web.instance_port": 8080,  # a port the shared groups don't open: the web opens it
    "landing-zone:services.ops.web.enabled": False,  # no web service in ops
}


SERVICES_SWITCHED = Variant("dev", sets=VARIANT)  # run once per session: the `services_switched` fixture

CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
EVENT_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
SES_TEMPLATE = "aws:ses/template:Template"
RECORD = "aws:route53/record:Record"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
TABLE = "aws:dynamodb/table:Table"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
FUNCTION = "aws:lambda/function:Function"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
APPLICATION = "aws:elasticbeanstalk/application:Application"
APPLICATION_VERSION = "aws:elasticbeanstalk/applicationVersion:ApplicationVersion"
ENVIRONMENT = "aws:elasticbeanstalk/environment:Environment"
LISTENER = "aws:lb/listener:Listener"


class ServicesView:
    def __init__(self, run: Run):
        self.run = run
        self.inventory = Inventory(run)
        # A resource's own ARN (a TopicPolicy's `arn` input names its topic, not itself).
        self.by_arn = {r.outputs["arn"]: r for r in run.registrations
                       if r.custom and "arn" in r.outputs and "arn" not in r.inputs}
        self.by_id = {r.id: r for r in run.registrations if r.custom and r.id}

    @cached_property
    def config(self) -> StackConfig:
        raw = {key.split(":", 1)[1]: json.loads(value) for key, value in self.run.config.items()
               if key.startswith("landing-zone:") and key.split(":", 1)[1] not in SECRET_KEYS}
        return validate(raw)

    def account(self, registration: Registration) -> str | None:
        return self.inventory.account(registration)

    def of(self, token: str, account: str | None = None) -> list[Registration]:
        return [r for r in self.run.of_type(token) if account is None or self.account(r) == account]

    def one(self, token: str, account: str, suffix: str = "") -> Registration:
        (found,) = [r for r in self.of(token, account) if r.name.endswith(suffix)]
        return found

    def named(self, name: str) -> Registration:
        (found,) = [r for r in self.run.registrations if r.name == name]
        return found

    def by_reference(self, value: Any) -> Registration:
        """The resource an ARN (or id) in some input names."""
        if value in self.by_arn:
            return self.by_arn[value]
        return self.by_id[value]

    def parent(self, registration: Registration) -> Registration:
        assert registration.parent is not None
        return self.run.by_urn(registration.parent)
