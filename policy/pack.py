"""The CrossGuard policies: each rule of the rules package (rules/) adapted to pulumi_policy's validation callbacks.

pulumi_policy hands a resource policy a ResourceValidationArgs and a stack policy PolicyResources
(pulumi_policy/policy.py). `rule_resource` turns either into the rules.Resource every rule reads; the offline preview
reaches it through the same objects (analyzer.py), so the rules are fed one way.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

if __package__:  # the project imports the pack as the `policy` package
    from . import compliance, rules  # compliance adds the security-hub-controls stack rule to rules
else:  # the CLI runs the pack with its own directory as the import root
    import compliance  # type: ignore[no-redef]  # noqa: F401
    import rules  # type: ignore[no-redef]

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}


def rule_resource(resource: ResourceValidationArgs | PolicyResource) -> rules.Resource:
    """What a rule sees of a resource as pulumi_policy hands it: a resource policy's args or one of the stack's.

    `inputs` and the provider's inputs stay pulumi_policy's proxies (Mappings and Sequences that raise
    UnknownValueError on a value not known until deployment). Only a stack's resources carry dependencies; the engine
    names a stack resource's parent beside its options, a single resource's parent in them.
    """
    parent = getattr(resource, "parent", None)
    property_dependencies = getattr(resource, "property_dependencies", {})
    return rules.Resource(
        urn=resource.urn, type=resource.resource_type, name=resource.name, inputs=resource.props,
        protect=bool(resource.opts.protect), provider_inputs=resource.provider.props if resource.provider else None,
        parent=parent.urn if parent is not None else resource.opts.parent,
        property_dependencies={key: [d.urn for d in deps] for key, deps in property_dependencies.items()},
        dependencies=[d.urn for d in getattr(resource, "dependencies", [])],
        ignore_changes=list(resource.opts.ignore_changes or []),
    )


def _resource_validator(rule: rules.ResourceRule):
    def validate(args: ResourceValidationArgs, report_violation) -> None:
        for message in rule.check(rule_resource(args)):
            report_violation(message)

    return validate


def _stack_validator(rule: rules.StackRule):
    def validate(args: StackValidationArgs, report_violation) -> None:
        for urn, message in rule.check([rule_resource(r) for r in args.resources]):
            report_violation(message, urn)

    return validate


def policies() -> list[Policy]:
    return [
        *(ResourceValidationPolicy(name=rule.name, description=rule.description,
                                   enforcement_level=LEVELS[rule.level], validate=_resource_validator(rule))
          for rule in rules.RESOURCE_RULES),
        *(StackValidationPolicy(name=rule.name, description=rule.description,
                                enforcement_level=LEVELS[rule.level], validate=_stack_validator(rule))
          for rule in rules.STACK_RULES),
    ]
