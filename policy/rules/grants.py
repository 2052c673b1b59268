"""What AWS's authorization requires of a grant: both actions for a Lambda function URL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .identity import policy_statements
from .plumbing import Resource, as_list, resource_rule

IAM_POLICY_INPUTS = {"aws:iam/policy:Policy": "policy", "aws:iam/rolePolicy:RolePolicy": "policy",
                     "aws:iam/groupPolicy:GroupPolicy": "policy", "aws:iam/userPolicy:UserPolicy": "policy"}


def _allowed(statements: Sequence[Mapping[str, Any]], action: str) -> set[str]:
    """Resources an Allow statement grants `action` on (exact action names; wildcards count too)."""
    found: set[str] = set()
    service = action.split(":", maxsplit=1)[0]
    for statement in statements:
        actions = [str(a).lower() for a in as_list(statement.get("Action"))]
        if statement.get("Effect") == "Allow" and any(a in (action.lower(), f"{service}:*", "*") for a in actions):
            found.update(str(r) for r in as_list(statement.get("Resource")))
    return found


@resource_rule("function-url-grants-both-actions",
               "A grant to call a Lambda function URL with AWS_IAM auth allows lambda:InvokeFunctionUrl and "
               "lambda:InvokeFunction on the same function (Lambda developer guide, 'Control access to Lambda "
               "function URLs': both are required for function URLs created since October 2025).")
def function_url_grants_both_actions(resource: Resource) -> Iterable[str]:
    key = IAM_POLICY_INPUTS.get(resource.type)
    if key is None:
        return
    statements = policy_statements(resource.inputs.get(key))
    missing = sorted(_allowed(statements, "lambda:InvokeFunctionUrl") - _allowed(statements, "lambda:InvokeFunction"))
    if missing:
        yield (f"{resource.type} {resource.name} allows lambda:InvokeFunctionUrl on {missing} without "
               "lambda:InvokeFunction, so every call returns 403; grant both (grants.grant_invoke_function_url)")
