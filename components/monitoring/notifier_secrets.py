"""The notifiers' KMS key (token, logs, dead letters) and the Secrets Manager secret holding the Slack bot token."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.home import Home
from components.kms import rotating_key
from components.policy_document import PolicyDocument, Statement


class NotifierSecrets(pulumi.ComponentResource):
    """The key and the token secret; `grant_*` give a notifier's role exactly what it needs of them."""

    def __init__(self, name: str, home: Home, *, bot_token: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        """`home` is the monitoring account; `bot_token` the stack secret `slack_bot_token`."""
        super().__init__("landing-zone:monitoring:NotifierSecrets", name, None, opts)
        account, account_id, region, production = home.account, home.account_id, home.region, home.production
        self.region = region
        root = home.root_arn
        log_groups = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:*")
        key_policy = PolicyDocument([
            Statement("Allow", ["kms:*"], ["*"], principals={"AWS": [root]}, sid="AccountAdministers"),
            Statement("Allow", ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                      ["*"], principals={"Service": [f"logs.{region}.amazonaws.com"]},
                      conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
                      sid="AccountLogGroupsEncrypt"),
        ])
        self.key = rotating_key(f"{name}-key", f"{account} Slack notifiers: bot token, logs, dead letters", key_policy,
                                alias=home.name("slack-notifier"), production=production,
                                opts=pulumi.ResourceOptions(parent=self))
        self.secret = aws.secretsmanager.Secret(
            f"{name}-bot-token",
            name=home.name("slack-bot-token", kind="secret"),
            description="Slack bot token the alert notifiers post with (from the stack secret slack_bot_token)",
            kms_key_id=self.key.arn,
            # A name in its recovery window cannot be used again: the sandbox deletes at once so it can be rebuilt.
            recovery_window_in_days=30 if production else 0,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-bot-token-value",
            secret_id=self.secret.arn,
            secret_string=pulumi.Output.secret(bot_token),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn: pulumi.Output[str] = self.key.arn
        self.secret_arn: pulumi.Output[str] = self.secret.arn
        self.register_outputs({"key_arn": self.key_arn, "secret_arn": self.secret_arn})

    def _via(self, service: str) -> dict[str, dict[str, pulumi.Input[str]]]:
        return {"StringEquals": {"kms:ViaService": f"{service}.{self.region}.amazonaws.com"}}

    def grant_read_token(self) -> list[Statement]:
        """Read the bot token, and decrypt it only through Secrets Manager."""
        return [
            Statement("Allow", ["secretsmanager:GetSecretValue"], [self.secret_arn], sid="ReadSlackToken"),
            Statement("Allow", ["kms:Decrypt"], [self.key_arn], conditions=self._via("secretsmanager"),
                      sid="DecryptSlackToken"),
        ]

    def grant_send_dead_letters(self, queue_arn: pulumi.Input[str]) -> list[Statement]:
        """Send to the (key-encrypted) dead-letter queue, encrypting only through SQS."""
        return [
            Statement("Allow", ["sqs:SendMessage"], [queue_arn], sid="SendDeadLetters"),
            Statement("Allow", ["kms:GenerateDataKey", "kms:Decrypt"], [self.key_arn], conditions=self._via("sqs"),
                      sid="EncryptDeadLetters"),
        ]
