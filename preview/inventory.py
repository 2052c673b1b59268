"""The inventory: every registered resource with its account, region, options and inputs (docs/inventory.md)."""

from __future__ import annotations

import functools
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from aws_facts.accounts import MANAGEMENT
from policy import analyzer, compliance, pack, rules
from preview.mocks import Registration
from preview.run import Run


class Inventory:
    """Registrations of one run, each resolved to the account and region whose provider it uses."""

    def __init__(self, run: Run):
        self.run = run
        self.by_urn = {r.urn: r for r in run.registrations}
        self.default_region = run.config.get("aws:region")
        self._account_cache: dict[str, str | None] = {}
        self._provider_messages: dict[str, analyzer_pb2.AnalyzerProviderResource] = {}

    def _provider(self, ref: str | None) -> Registration | None:
        if not ref:
            return None
        return self.by_urn.get(ref.rsplit("::", 1)[0])

    def _provider_account(self, provider: Registration) -> str:
        default_tags = rules.decode(provider.inputs.get("defaultTags")) or {}
        return (default_tags.get("tags") or {}).get("Account") or provider.name

    def account(self, registration: Registration) -> str | None:
        if registration.urn in self._account_cache:
            return self._account_cache[registration.urn]
        account: str | None
        if registration.type == "pulumi:providers:aws":
            account = self._provider_account(registration)
        elif registration.custom:
            provider = self._provider(registration.provider)
            if provider is not None and provider.type == "pulumi:providers:aws":
                account = self._provider_account(provider)
            else:
                account = MANAGEMENT if registration.type.startswith("aws:") else None
        else:
            provider = self._provider(registration.providers.get("aws"))
            if provider is not None:
                account = self._provider_account(provider)
            elif registration.parent and registration.parent in self.by_urn:
                account = self.account(self.by_urn[registration.parent])
            else:
                account = None
        self._account_cache[registration.urn] = account
        return account

    def region(self, registration: Registration) -> str | None:
        if registration.type == "pulumi:providers:aws":
            return registration.inputs.get("region") or self.default_region
        if not registration.custom or not registration.type.startswith("aws:"):
            return None
        if registration.inputs.get("region"):  # pulumi-aws 7: a resource may name its own region
            return str(registration.inputs["region"])
        provider = self._provider(registration.provider)
        if provider is not None:
            return provider.inputs.get("region") or self.default_region
        return self.default_region

    def provider_urn(self, registration: Registration) -> str | None:
        """The URN of the provider a custom resource uses (the engine's default provider shows as null)."""
        if not registration.custom or not registration.provider:
            return None
        return registration.provider.rsplit("::", 1)[0]

    def dependencies(self, registration: Registration) -> list[str]:
        """URNs this resource waits for: explicit `depends_on` and every resource its inputs were built from."""
        urns = set(registration.dependencies)
        for sources in registration.property_dependencies.values():
            urns.update(sources)
        urns.discard(registration.urn)
        return sorted(urns)

    def provider_of(self, registration: Registration) -> Registration | None:
        """The explicit provider a custom resource uses; None for the engine's default provider."""
        return self._provider(registration.provider)

    def analyzer_resource(self, registration: Registration) -> analyzer_pb2.AnalyzerResource:
        """The resource, with its inputs, in the message the engine hands the policy pack (policy/analyzer.py)."""
        message = analyzer.analyzer_resource(registration, properties=registration.inputs, provider=None)
        provider = self.provider_of(registration)
        if provider is not None:
            message.provider.CopyFrom(self._provider_message(provider))
        return message

    def _provider_message(self, provider: Registration) -> analyzer_pb2.AnalyzerProviderResource:
        """A provider's message, built once: a hundred accounts put some 14,000 resources on 200 providers."""
        if provider.urn not in self._provider_messages:
            message = analyzer.provider_resource(provider)
            assert message is not None
            self._provider_messages[provider.urn] = message
        return self._provider_messages[provider.urn]

    def policy_resources(self) -> list[rules.Resource]:
        """Custom resources as the policy rules see them: through the messages and objects the pack receives."""
        return list(self._policy_resources)

    @functools.cached_property
    def _policy_resources(self) -> tuple[rules.Resource, ...]:
        messages = [self.analyzer_resource(r) for r in self.run.registrations
                    if r.custom and not r.type.startswith("pulumi:providers:")]
        return tuple(pack.rule_resource(resource) for resource in analyzer.policy_resources(messages))

    def resources_json(self) -> list[dict[str, Any]]:
        return [
            {
                "urn": r.urn,
                "id": r.id if r.custom else None,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "account": self.account(r),
                "region": self.region(r),
                "protect": r.protect,
                "retainOnDelete": r.retain_on_delete,
                "dependencies": self.dependencies(r),
                "provider": self.provider_urn(r),
                "ignoreChanges": r.ignore_changes,
                "deleteBeforeReplace": r.delete_before_replace,
                "replaceOnChanges": r.replace_on_changes,
                "customTimeouts": r.custom_timeouts,
                "importId": r.import_id or None,
                "aliases": r.aliases,
                "inputs": r.inputs,
            }
            for r in self.run.registrations
        ]

    def document(self, violations: list[rules.Violation],
                 scorecard: compliance.Scorecard | None = None) -> dict[str, Any]:
        """The inventory (docs/inventory.md); `compliance` is the Security Hub scorecard when one is given."""
        document = {
            "project": self.run.project,
            "stack": self.run.stack,
            "resources": self.resources_json(),
            "policy": {"violations": [
                {"policy": v.policy, "urn": v.urn, "level": v.level, "message": v.message} for v in violations
            ]},
            "outputs": self.run.outputs,
        }
        if scorecard is not None:
            document["compliance"] = scorecard.as_json()
        return document
