"""What the services tests look at in a run (read through tests/run_view.py): resource types, and the switches they
try in a variant of the dev stack."""

from __future__ import annotations

WORKLOADS = ("dev", "ops")

# Every switch the services tests try, set in one variant of the dev stack (tests/variants.py's SANDBOX_REORGANIZED,
# the `services_switched` fixture), so the program runs once for all of them.
BUNDLE = {"bucket": "shop-build-artifacts", "key": "storefront/1.4.2.zip", "version_label": "storefront-1.4.2"}
SERVICE_SWITCHES = {
    "landing-zone:services.ops.email.hosted_zone_id": "Z0EXAMPLE12345",  # DNS records for ops' domain
    "landing-zone:services.dev.email.enabled": False,  # no e-mail in dev: no identity, no SES grant
    "landing-zone:services.dev.web.bundle": BUNDLE,  # dev runs a bundle instead of the sample application
    "landing-zone:services.dev.web.instance_port": 8080,  # a port the shared groups don't open: the web opens it
    "landing-zone:services.ops.web.enabled": False,  # no web service in ops
}

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
