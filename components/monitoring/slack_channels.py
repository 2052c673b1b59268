"""Slack: per environment one alert channel per severity, and the on-call user group (pulumi-slack)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_slack as slack

from config.monitoring import SlackConfig, channel_names


class SlackChannels(pulumi.ComponentResource):
    """`ids[environment][severity]` is the channel id the environment's notifier posts to."""

    def __init__(self, name: str, spec: SlackConfig, *, environments: Sequence[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("landing-zone:monitoring:SlackChannels", name, None, opts)
        members = [spec.bot_user_id] if spec.bot_user_id else None
        self.channels: dict[str, dict[str, slack.Conversation]] = {}
        for environment in environments:
            self.channels[environment] = {
                severity: slack.Conversation(
                    f"{name}-{environment}-{severity}",
                    name=channel,
                    is_private=spec.private_channels,
                    topic=f"{severity.capitalize()} alerts of the {environment} environment",
                    purpose=f"CloudWatch alarms and security events ({severity}) posted by the {environment} notifier",
                    permanent_members=members,
                    # Archived rather than deleted, so the alert history stays readable.
                    action_on_destroy="archive",
                    adopt_existing_channel=True,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                for severity, channel in channel_names(spec.channel_prefix, environment).items()
            }
        self.ids: dict[str, dict[str, pulumi.Output[str]]] = {
            environment: {severity: channel.id for severity, channel in channels.items()}
            for environment, channels in self.channels.items()
        }
        self.oncall = slack.Usergroup(
            f"{name}-oncall",
            name=spec.oncall.name,
            handle=spec.oncall.handle,
            description="Whoever is on call; default member of every critical alert channel",
            users=list(spec.oncall.users) or None,
            channels=[ids["critical"] for ids in self.ids.values()],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"channel_ids": self.ids, "oncall_group_id": self.oncall.id})
