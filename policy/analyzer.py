"""Resources as the engine hands them to the pack: pulumi's analyzer messages, and what pulumi_policy makes of them.

`pulumi preview --policy-pack` sends `Analyze` each resource's inputs and `AnalyzeStack` every resource's outputs,
marshalled with unknowns and secrets kept and references to other resources as their ids
(pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go). pulumi_policy deserializes them into proxied
Mappings and Sequences (pulumi_policy/policy.py, proxy.py). The offline preview and the tests build the same messages
from recorded registrations and the same objects from those messages, so a rule meets values in one form whichever
path calls it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import PolicyCustomTimeouts, PolicyProviderResource, PolicyResource, PolicyResourceOptions
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY, deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

# The inventory's stand-ins (docs/inventory.md): a value known only after deployment, and a hidden secret.
UNKNOWN_SHOWN = "[unknown]"
SECRET_SHOWN = "[secret]"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


class Recorded(Protocol):
    """One resource as the offline preview records its registration (preview.mocks.Registration)."""

    @property
    def urn(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def protect(self) -> bool: ...
    @property
    def inputs(self) -> Mapping[str, Any]: ...
    @property
    def ignore_changes(self) -> Sequence[str]: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def dependencies(self) -> Sequence[str]: ...
    @property
    def property_dependencies(self) -> Mapping[str, Sequence[str]]: ...
    @property
    def delete_before_replace(self) -> bool: ...
    @property
    def custom_timeouts(self) -> Mapping[str, str]: ...


def marshal(value: Any) -> Any:
    """A property as the engine marshals it for an analyzer: `[unknown]` as pulumi's unknown sentinel, `[secret]`
    inside pulumi's secret envelope (the placeholder stays the value: the inventory never holds the secret)."""
    if value == UNKNOWN_SHOWN:
        return UNKNOWN_STRING_VALUE
    if value == SECRET_SHOWN:
        return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": SECRET_SHOWN}
    if isinstance(value, Mapping):
        return {key: marshal(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [marshal(item) for item in value]
    return value


def properties_struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(marshal(properties))
    return struct


def _seconds(duration: str | None) -> float:
    """A Pulumi custom timeout ("30m", "1h30m") in seconds, as the engine's state holds it; 0 when unset."""
    return sum(float(amount) * _SECONDS[unit] for amount, unit in _DURATION.findall(duration or ""))


def resource_options(resource: Recorded) -> analyzer_pb2.AnalyzerResourceOptions:
    timeouts = resource.custom_timeouts
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=resource.protect, ignoreChanges=list(resource.ignore_changes),
        deleteBeforeReplace=resource.delete_before_replace, deleteBeforeReplaceDefined=resource.delete_before_replace,
        aliases=list(resource.aliases), parent=resource.parent or "",
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=_seconds(timeouts.get("create")), update=_seconds(timeouts.get("update")),
            delete=_seconds(timeouts.get("delete"))),
    )


def provider_resource(provider: Recorded | None) -> analyzer_pb2.AnalyzerProviderResource | None:
    """The provider beside a resource, with its inputs; None for the engine's default provider."""
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(urn=provider.urn, type=provider.type, name=provider.name,
                                                 properties=properties_struct(provider.inputs))


def analyze_request(resource: Recorded, *, properties: Mapping[str, Any],
                    provider: Recorded | None) -> analyzer_pb2.AnalyzeRequest:
    """What `Analyze` receives for one resource; `properties` are its inputs (the engine's goal state)."""
    return analyzer_pb2.AnalyzeRequest(urn=resource.urn, type=resource.type, name=resource.name,
                                       properties=properties_struct(properties), options=resource_options(resource),
                                       provider=provider_resource(provider))


def analyzer_resource(resource: Recorded, *, properties: Mapping[str, Any],
                      provider: Recorded | None) -> analyzer_pb2.AnalyzerResource:
    """One entry of what `AnalyzeStack` receives; the engine sends outputs as `properties`, the offline preview inputs."""
    return analyzer_pb2.AnalyzerResource(
        urn=resource.urn, type=resource.type, name=resource.name, properties=properties_struct(properties),
        options=resource_options(resource), provider=provider_resource(provider), parent=resource.parent or "",
        dependencies=list(resource.dependencies),
        propertyDependencies={key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
                              for key, urns in resource.property_dependencies.items() if urns},
    )


def _props(struct: struct_pb2.Struct) -> Mapping[str, Any]:
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def policy_resources(messages: Sequence[analyzer_pb2.AnalyzerResource]) -> list[PolicyResource]:
    """The stack's resources as pulumi_policy hands them to a stack policy: proxied properties, and parents and
    dependencies linked to the resources among `messages` (pulumi_policy/policy.py, AnalyzeStack)."""
    resources = []
    providers: dict[bytes, PolicyProviderResource] = {}  # a stack has few providers, each under many resources
    for message in messages:
        options = message.options
        timeouts = options.customTimeouts
        provider = None
        if message.HasField("provider"):
            key = message.provider.SerializeToString(deterministic=True)
            if key not in providers:
                providers[key] = PolicyProviderResource(message.provider.type, _props(message.provider.properties),
                                                        message.provider.urn, message.provider.name)
            provider = providers[key]
        resources.append(PolicyResource(
            message.type, _props(message.properties), message.urn, message.name,
            PolicyResourceOptions(options.protect, list(options.ignoreChanges),
                                  options.deleteBeforeReplace if options.deleteBeforeReplaceDefined else None,
                                  list(options.aliases),
                                  PolicyCustomTimeouts(timeouts.create, timeouts.update, timeouts.delete),
                                  list(options.additionalSecretOutputs), options.parent or None),
            provider, None, [], {}))
    by_urn = {resource.urn: resource for resource in resources}
    for message, resource in zip(messages, resources, strict=True):
        resource.parent = by_urn.get(message.parent)
        resource.dependencies = [by_urn[urn] for urn in message.dependencies if urn in by_urn]
        resource.property_dependencies = {key: [by_urn[urn] for urn in deps.urns if urn in by_urn]
                                          for key, deps in message.propertyDependencies.items()}
    return resources
