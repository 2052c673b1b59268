"""Read the `landing-zone:` sections with pulumi.Config, validate them all, and report every problem at once."""

from __future__ import annotations

import difflib
import functools
import inspect
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, get_args, get_origin

import pulumi
import pulumi.runtime.config
from pydantic import BaseModel, ValidationError, create_model
from pydantic_core import ErrorDetails

from config.base import Model, Sections
from config.checks import run_checks
from config.errors import NAMESPACE, ConfigError, Problem, join_path
from config.secrets import SECRET_KEYS, secret_problems
from config.stack import StackConfig


def load() -> StackConfig:
    """The validated config of the running stack; raises ConfigError listing every problem."""
    known = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    return validate(_read_sections(), provider_region=pulumi.Config("aws").get("region"), secrets=_secret_keys_present(),
                    other_keys=[key for key in known if not key.startswith(f"{NAMESPACE}:")])


def _read_sections() -> dict[str, Any]:
    """Every `landing-zone:*` key, objects decoded from the JSON strings the engine hands over."""
    prefix = f"{NAMESPACE}:"
    raw: dict[str, Any] = {}
    config = pulumi.Config(NAMESPACE)
    # The engine passes config in the environment; set_all_config (tests, preview) puts it in CONFIG.
    known = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    keys = sorted(key[len(prefix):] for key in known if key.startswith(prefix))
    for key in keys:
        if key in SECRET_KEYS:
            continue  # a credential, not a section: read only through config.secrets.read_secret
        text = config.get(key)
        if text is None:
            continue
        try:
            raw[key] = json.loads(text)
        except json.JSONDecodeError:
            raw[key] = text  # a plain string; the model says whether that is acceptable
    return raw


def _secret_keys_present() -> dict[str, bool]:
    """Each registered secret key the stack sets -> whether it is marked secret (`secure:` in the stack file)."""
    prefix = f"{NAMESPACE}:"
    known = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    marked = set(pulumi.runtime.config.get_config_secret_keys_env())
    return {key: pulumi.runtime.config.is_config_secret(prefix + key) or prefix + key in marked
            for key in SECRET_KEYS if prefix + key in known}


def validate(raw: dict[str, Any], provider_region: str | None = None,
             secrets: dict[str, bool] | None = None, *, other_keys: Sequence[str] = ()) -> StackConfig:
    """Validate each section on its own, then the checks across sections, and raise all problems together.

    `provider_region` is `aws:region`, the default provider's region, which must match the landing zone's.
    `secrets` maps each secret key the stack sets to whether it is marked secret; None skips those checks.
    `other_keys` are the stack's config keys outside `landing-zone:`; those of the `aws:` provider must be its own.
    Problems come causes first: one whose message names another's offending value follows it.
    """
    problems: list[Problem] = list(_provider_key_problems(other_keys))
    fields = StackConfig.model_fields
    for key in raw:
        if key not in fields and key not in SECRET_KEYS:  # a secret key is no section; `secrets` speaks for it
            problems.append(Problem(key, f"unknown section{_near(key, fields)}; the sections are {sorted(fields)}"))
    sections: Sections = {}
    for name, field in fields.items():
        if name not in raw:
            if field.is_required():
                problems.append(Problem(name, f"missing; add `{NAMESPACE}:{name}` to the stack file"))
            else:
                sections[name] = field.get_default(call_default_factory=True)
            continue
        wrapper = create_model(f"Section_{name}", __base__=Model, **{name: (field.annotation, field)})  # type: ignore[call-overload]
        try:
            sections[name] = getattr(wrapper.model_validate({name: raw[name]}), name)
        except ValidationError as exc:
            problems.extend(_problem(error) for error in exc.errors(include_url=False))
    problems.extend(run_checks(sections))
    if secrets is not None:
        problems.extend(secret_problems(sections, secrets))
    organization = sections.get("organization")
    if provider_region is not None and organization is not None and provider_region != organization.region:
        problems.append(Problem("region", f"`{provider_region}` differs from landing-zone:organization.region "
                                          f"({organization.region}); make them the same", namespace="aws"))
    if problems:
        raise ConfigError(causes_first(problems, raw))
    return StackConfig(**sections)


def _near(key: str, allowed: Iterable[str]) -> str:
    """`; did you mean `x`?` for a near miss of one of `allowed`, else nothing."""
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.75)
    return f"; did you mean `{close[0]}`?" if close else ""


@functools.cache
def aws_provider_keys() -> frozenset[str]:
    """The `aws:` config keys the provider reads: the arguments of pulumi_aws.Provider, camelCased as in config."""
    import pulumi_aws  # noqa: PLC0415  (the provider package is large; only this check needs its signature)

    parameters = inspect.signature(pulumi_aws.Provider._internal_init).parameters
    names = [name for name in parameters if name not in ("__self__", "resource_name", "opts", "__props__")]
    return frozenset(re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name) for name in names)


def _provider_key_problems(keys: Iterable[str]) -> Iterator[Problem]:
    for key in sorted(keys):
        namespace, _, name = key.partition(":")
        if namespace == "aws" and name not in aws_provider_keys():
            yield Problem(name, f"the AWS provider has no setting `{name}`{_near(name, aws_provider_keys())}",
                          namespace="aws")


def causes_first(problems: list[Problem], raw: Mapping[str, Any]) -> list[Problem]:
    """Each problem whose message names the offending value of another problem's path follows that problem.

    E.g. `organization.region: us-east-9 is not an AWS region` comes before the allowed-regions and certificate
    problems that only follow from it. Mutual mentions keep their order.
    """
    values = {id(p): _value_at(raw, p.path) for p in problems if p.namespace == NAMESPACE}
    causes: dict[int, Problem] = {}
    for problem in problems:
        for other in problems:
            value = values.get(id(other))
            if other is problem or not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) < 3:
                continue
            mine = values.get(id(problem))
            if str(value) in problem.message and not (isinstance(mine, str | int) and str(mine) in other.message):
                causes.setdefault(id(problem), other)
    ordered: list[Problem] = []
    for problem in problems:
        if id(problem) not in causes:
            ordered.append(problem)
            ordered.extend(p for p in problems if causes.get(id(p)) is problem)
    ordered.extend(p for p in problems if p not in ordered)
    return ordered


def _value_at(raw: Mapping[str, Any], path: str) -> Any:
    """The raw value at a dotted YAML path (`accounts[1].email`), None when it is not there."""
    current: Any = raw
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            current = current[index] if isinstance(current, list) and index < len(current) else None
        else:
            current = current.get(part) if isinstance(current, Mapping) else None
        if current is None:
            return None
    return current


def _problem(error: ErrorDetails) -> Problem:
    loc = error["loc"]
    if loc and loc[-1] == "[key]":  # pydantic marks a refused mapping key so; name the key itself instead
        message = error["msg"].removeprefix("Value error, ")
        return Problem(join_path(*loc[:-1]), f"the key `{loc[-2]}`: {message}")
    path = join_path(*loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f"{_near(str(loc[-1]), allowed)}; the keys here are {allowed}" if allowed else ""
        return Problem(path, f"unknown key `{loc[-1]}`{hint}")
    if kind == "missing":
        description = _field_description(loc)
        return Problem(path, "required" + (f": {description}" if description else ""))
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        description = _field_description(loc) or ""
        return Problem(path, f"`{error.get('input')}` has characters or a shape not allowed here. {description}".strip())
    if kind in ("string_too_long", "string_too_short"):
        description = _field_description(loc)
        message += f" (got {len(str(error.get('input')))})" + (f". {description}" if description else "")
        return Problem(path, message)
    if kind not in ("value_error", "assertion_error"):
        shown = repr(error.get("input"))
        message += f" (got {shown[:60]})"
    return Problem(path, message)


def _walk(loc: tuple[int | str, ...]) -> Any:
    """The type a config location holds, following models, lists and dicts from StackConfig."""
    current: Any = StackConfig
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X, so the walk can step into optional sections."""
    args = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) is not None and get_origin(annotation) not in (list, tuple, dict) and len(args) == 1:
        return args[0]
    return annotation


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    model = _walk(loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(model.model_fields)
    return []


def _field_description(loc: tuple[int | str, ...]) -> str | None:
    model = _walk(loc[:-1])
    if isinstance(model, type) and issubclass(model, BaseModel):
        field = model.model_fields.get(str(loc[-1]))
        return field.description if field else None
    return None
