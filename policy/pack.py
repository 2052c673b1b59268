"""The CrossGuard policies: each rule in rules.py adapted to pulumi_policy's validation callbacks."""

import os
import sys

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import rules

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}


def _resource_validator(rule: rules.ResourceRule):
    def validate(args: ResourceValidationArgs, report_violation) -> None:
        resource = rules.Resource(
            urn=args.urn, type=args.resource_type, name=args.name, inputs=args.props,
            protect=args.opts.protect, provider_inputs=args.provider.props if args.provider else None,
            parent=args.opts.parent, ignore_changes=list(args.opts.ignore_changes or []),
        )
        for message in rule.check(resource):
            report_violation(message)

    return validate


def _stack_validator(rule: rules.StackRule):
    def validate(args: StackValidationArgs, report_violation) -> None:
        resources = [
            rules.Resource(
                urn=r.urn, type=r.resource_type, name=r.name, inputs=r.props, protect=r.opts.protect,
                provider_inputs=r.provider.props if r.provider else None, parent=r.opts.parent,
                property_dependencies={key: [d.urn for d in deps] for key, deps in r.property_dependencies.items()},
                dependencies=[d.urn for d in r.dependencies], ignore_changes=list(r.opts.ignore_changes or []),
            )
            for r in args.resources
        ]
        for urn, message in rule.check(resources):
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
