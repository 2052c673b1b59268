"""SES e-mail for one account: a domain identity with Easy DKIM and a custom MAIL FROM domain, a configuration
set that requires TLS, tracks reputation and suppresses bounces and complaints, the templates, and a grant that
lets an application send exactly those templates from exactly this identity.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components import grants
from components.home import Home
from components.monitoring.monitor import Monitor
from components.policy_document import Statement
from config.email_templates import EmailTemplate, load_templates
from config.services import EmailConfig

DKIM_TOKENS = 3  # Easy DKIM always publishes three CNAME records
DNS_TTL = 1800
# The events the operators must see: a bounce or complaint hurts the account's sending reputation.
REPORTED_EVENTS = ("BOUNCE", "COMPLAINT")


class EmailService(pulumi.ComponentResource):
    """SES sending for `spec.domain`. Attributes for other components and alarms:

    domain, mail_from_domain        str
    from_address                    str           (the one sender the grant allows)
    identity_arn                    Output[str]
    configuration_set_name          Output[str]   (alarms: SES reputation metrics per configuration set)
    template_names                  tuple[str, ...]
    """

    def __init__(self, name: str, spec: EmailConfig, home: Home, *, events_topic_arn: pulumi.Input[str],
                 monitor: Monitor, templates: Sequence[EmailTemplate] | None = None,
                 opts: pulumi.ResourceOptions | None = None):
        """`events_topic_arn` receives bounces and complaints; `monitor` watches the sending reputation."""
        super().__init__("landing-zone:email:EmailService", name, None, opts)
        region = home.region
        if spec.domain is None:
            raise ValueError("EmailService needs spec.domain (the config model requires it when enabled)")
        child = pulumi.ResourceOptions(parent=self)
        self.domain: str = spec.domain
        self.mail_from_domain: str = spec.mail_from_domain
        self.from_address: str = spec.from_address

        configuration_set = aws.sesv2.ConfigurationSet(
            f"{name}-configuration-set",
            configuration_set_name=home.name("email", kind="ses-configuration-set"),
            delivery_options=aws.sesv2.ConfigurationSetDeliveryOptionsArgs(tls_policy="REQUIRE"),
            reputation_options=aws.sesv2.ConfigurationSetReputationOptionsArgs(reputation_metrics_enabled=True),
            sending_options=aws.sesv2.ConfigurationSetSendingOptionsArgs(sending_enabled=True),
            suppression_options=aws.sesv2.ConfigurationSetSuppressionOptionsArgs(suppressed_reasons=list(REPORTED_EVENTS)),
            opts=child,
        )
        self.configuration_set_name: pulumi.Output[str] = configuration_set.configuration_set_name
        self.configuration_set_arn: pulumi.Output[str] = configuration_set.arn
        aws.sesv2.ConfigurationSetEventDestination(
            f"{name}-bounces-and-complaints",
            configuration_set_name=configuration_set.configuration_set_name,
            event_destination_name="bounces-and-complaints",
            event_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationArgs(
                enabled=True,
                matching_event_types=list(REPORTED_EVENTS),
                sns_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationSnsDestinationArgs(
                    topic_arn=events_topic_arn),
            ),
            opts=child,
        )

        identity = aws.sesv2.EmailIdentity(
            f"{name}-identity",
            email_identity=spec.domain,
            configuration_set_name=configuration_set.configuration_set_name,  # every send is tracked by default
            dkim_signing_attributes=aws.sesv2.EmailIdentityDkimSigningAttributesArgs(next_signing_key_length="RSA_2048_BIT"),
            opts=child,
        )
        self.identity_arn: pulumi.Output[str] = identity.arn
        # Until the MX record resolves, SES falls back to its own MAIL FROM rather than refusing to send.
        aws.sesv2.EmailIdentityMailFromAttributes(
            f"{name}-mail-from",
            email_identity=identity.email_identity,
            mail_from_domain=spec.mail_from_domain,
            behavior_on_mx_failure="USE_DEFAULT_VALUE",
            opts=child,
        )
        if spec.hosted_zone_id is not None:
            self._dns_records(name, spec.hosted_zone_id, identity, region=region)

        self.templates: dict[str, aws.ses.Template] = {
            template.name: aws.ses.Template(
                f"{name}-template-{template.name}",
                name=template.name,
                subject=template.subject,
                html=template.html,
                text=template.text,
                opts=child,
            )
            for template in (templates if templates is not None else load_templates())
        }
        self.template_names: tuple[str, ...] = tuple(self.templates)
        monitor.watch("ses", home.account, {}, name="email", section="email")
        self.register_outputs({
            "identity_arn": identity.arn,
            "configuration_set_name": configuration_set.configuration_set_name,
            "template_names": list(self.template_names),
        })

    def _dns_records(self, name: str, zone_id: str, identity: aws.sesv2.EmailIdentity, *, region: str) -> None:
        """Easy DKIM CNAMEs (they also verify the domain), and the MAIL FROM domain's MX and SPF records."""
        child = pulumi.ResourceOptions(parent=self)
        tokens = identity.dkim_signing_attributes.apply(lambda attributes: list(attributes.tokens or []))
        for index in range(DKIM_TOKENS):
            token = tokens.apply(lambda values, i=index: values[i])
            aws.route53.Record(
                f"{name}-dkim-{index + 1}",
                zone_id=zone_id,
                name=pulumi.Output.concat(token, "._domainkey.", self.domain),
                type="CNAME",
                ttl=DNS_TTL,
                records=[pulumi.Output.concat(token, ".dkim.amazonses.com")],
                opts=child,
            )
        aws.route53.Record(f"{name}-mail-from-mx", zone_id=zone_id, name=self.mail_from_domain, type="MX", ttl=DNS_TTL,
                           records=[f"10 feedback-smtp.{region}.amazonses.com"], opts=child)
        aws.route53.Record(f"{name}-mail-from-spf", zone_id=zone_id, name=self.mail_from_domain, type="TXT",
                           ttl=DNS_TTL, records=["v=spf1 include:amazonses.com ~all"], opts=child)

    def grant_send_templated_email(self) -> list[Statement]:
        """Send only this identity's templates, as its one From address, through its configuration set."""
        return grants.grant_send_templated_email(
            self.identity_arn, [template.arn for template in self.templates.values()], self.configuration_set_arn,
            from_address=self.from_address)

    def app_environment(self) -> dict[str, pulumi.Input[str]]:
        """What an application needs to send these e-mails (names, never credentials)."""
        return {
            "EMAIL_FROM_ADDRESS": self.from_address,
            "EMAIL_CONFIGURATION_SET": self.configuration_set_name,
            "EMAIL_TEMPLATES": ",".join(self.template_names),
        }
