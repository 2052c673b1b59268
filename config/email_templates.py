"""SES e-mail templates as data: one `EmailTemplate` per template and language, read from
components/email/templates/ and its manifest.

Files are named `<template>.<language>.subject.txt`, `.html` and `.txt`; `templates/manifest.json` declares the
languages and, per template, its variables with a description and a sample value per language. One SES template
is created per `EmailTemplate`, named `<template>_<language>` (e.g. `signup-verification_ko`).

SES's developer guide notes that it does not HTML-escape template data, so `render` inserts values verbatim as SES
does, and a sender keeps `<`, `>` and `"` out of the values it sends (`html_unsafe_values` names the offenders).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

# The shop's templates live beside the component that deploys them (components/email); the config checks them up front.
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "components" / "email" / "templates"
MANIFEST = "manifest.json"

# SES template names: letters, digits, underscore and hyphen, 1-64 characters.
SES_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

Part = Literal["subject", "html", "text"]
PART_SUFFIX: dict[Part, str] = {"subject": "subject.txt", "html": "html", "text": "txt"}
PART_LABEL: dict[Part, str] = {"subject": "subject", "html": "HTML part", "text": "text part"}

# Any Handlebars expression, and the only kind we write: a plain `{{variable}}`.
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
PLAIN_VARIABLE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*")

# Characters that change HTML structure when a value is inserted verbatim into text or a double-quoted attribute.
HTML_UNSAFE = re.compile(r'[<>"]')

TemplateId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*[a-z0-9]$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VariableSpec(_Strict):
    description: str
    samples: dict[str, str]


class TemplateSpec(_Strict):
    purpose: str
    variables: dict[VariableName, VariableSpec]


class Manifest(_Strict):
    languages: dict[LanguageCode, str]
    templates: dict[TemplateId, TemplateSpec]


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    sample: str


@dataclass(frozen=True)
class EmailTemplate:
    """One SES template: a template (`welcome`) in one language (`ko`)."""

    template: str
    language: str
    subject: str
    html: str
    text: str
    variables: tuple[Variable, ...]

    @property
    def name(self) -> str:
        return f"{self.template}_{self.language}"

    def part(self, part: Part) -> str:
        return {"subject": self.subject, "html": self.html, "text": self.text}[part]

    def file(self, part: Part) -> str:
        return f"{self.template}.{self.language}.{PART_SUFFIX[part]}"

    def sample_values(self) -> dict[str, str]:
        return {variable.name: variable.sample for variable in self.variables}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


class TemplateError(ValueError):
    """Templates that cannot be used as they are; `problems` holds one sentence per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"e-mail templates have {len(problems)} problem(s):\n{lines}")


def placeholders(source: str) -> set[str]:
    """Names of the plain `{{variable}}` placeholders in `source`."""
    return {match[1] for expression in EXPRESSION.findall(source) if (match := PLAIN_VARIABLE.fullmatch(expression))}


def check_template(template: EmailTemplate) -> list[str]:
    """Problems of one template: blank parts, undeclared or unused variables, expressions other than `{{variable}}`."""
    problems: list[str] = []
    declared = {variable.name for variable in template.variables}
    used: set[str] = set()
    for part, label in PART_LABEL.items():
        source = template.part(part)
        where = f"{template.name}: the {label} ({template.file(part)})"
        if not source.strip():
            problems.append(f"{where} is missing or empty.")
            continue
        for match in EXPRESSION.finditer(source):
            variable = PLAIN_VARIABLE.fullmatch(match[1])
            if variable is None:
                problems.append(f"{where} uses {match[0]}; write only plain {{{{variable}}}} placeholders.")
            elif variable[1] not in declared:
                problems.append(f"{where} uses {{{{{variable[1]}}}}}, which {MANIFEST} does not declare for {template.template}.")
            else:
                used.add(variable[1])
        if "{{" in (rest := EXPRESSION.sub("", source)) or "}}" in rest:
            problems.append(f"{where} has a '{{{{' or '}}}}' that is not part of a {{{{variable}}}} placeholder.")
    if "\n" in template.subject.strip():
        problems.append(f"{template.name}: the subject ({template.file('subject')}) must be a single line.")
    if all(template.part(part).strip() for part in PART_LABEL):
        problems.extend(
            f"{template.name}: variable {name} is declared for {template.template} in {MANIFEST} "
            "but used in none of its subject, HTML part or text part."
            for name in sorted(declared - used)
        )
    return list(dict.fromkeys(problems))


def _read(directory: Path) -> tuple[list[str], list[EmailTemplate]]:
    """The templates found in `directory`, and the problems only the manifest and the file list can show."""
    manifest_path = directory / MANIFEST
    try:
        manifest = Manifest.model_validate_json(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"{manifest_path} is missing; it declares the languages, templates and their variables."], []
    except ValidationError as error:
        return [f"{manifest_path}: {'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}." for e in error.errors()], []

    problems: list[str] = []
    templates: list[EmailTemplate] = []
    for template_id, spec in manifest.templates.items():
        problems.extend(
            f"{template_id}: variable {name} has a sample for {language}, which is not a language in {MANIFEST}."
            for name, variable in spec.variables.items()
            for language in sorted(variable.samples.keys() - manifest.languages.keys())
        )
        for language, language_name in manifest.languages.items():
            template, version_problems = _read_version(directory, template_id, spec, language=language,
                                                       language_name=language_name)
            problems.extend(version_problems)
            if template is not None:
                templates.append(template)
    expected = {MANIFEST} | {
        f"{template_id}.{language}.{suffix}"
        for template_id in manifest.templates
        for language in manifest.languages
        for suffix in PART_SUFFIX.values()
    }
    problems.extend(
        f"{path.name}: unexpected file; template files are named <template>.<language>.subject.txt, .html or .txt "
        f"for a template and language declared in {MANIFEST}."
        for path in sorted(directory.iterdir())
        if path.name not in expected
    )
    return problems, templates


def _read_version(
    directory: Path, template_id: str, spec: TemplateSpec, *, language: str, language_name: str
) -> tuple[EmailTemplate | None, list[str]]:
    """One template in one language; `None` when none of its files exist."""
    name = f"{template_id}_{language}"
    problems: list[str] = []
    if not SES_NAME.match(name):
        problems.append(f"{name}: SES template names are 1-64 letters, digits, _ or -; shorten {template_id} in {MANIFEST}.")
    problems.extend(
        f"{template_id}: variable {variable_name} has no {language_name} ({language}) sample in {MANIFEST}."
        for variable_name, variable in spec.variables.items()
        if not variable.samples.get(language, "").strip()
    )
    files = {part: directory / f"{template_id}.{language}.{suffix}" for part, suffix in PART_SUFFIX.items()}
    texts = {part: path.read_text(encoding="utf-8") for part, path in files.items() if path.is_file()}
    if not texts:
        file_names = ", ".join(path.name for path in files.values())
        problems.append(f"{name}: {template_id} has no {language_name} ({language}) version; add {file_names}.")
        return None, problems
    variables = tuple(
        Variable(variable_name, variable.description, variable.samples.get(language, ""))
        for variable_name, variable in spec.variables.items()
    )
    template = EmailTemplate(
        template=template_id,
        language=language,
        subject=texts.get("subject", "").strip(),
        html=texts.get("html", ""),
        text=texts.get("text", ""),
        variables=variables,
    )
    return template, problems


def validate(directory: Path = TEMPLATES_DIR) -> list[str]:
    """Every problem with the templates in `directory`, each a sentence naming the template, part and variable."""
    problems, templates = _read(directory)
    for template in templates:
        problems.extend(check_template(template))
    return problems


def load_templates(directory: Path = TEMPLATES_DIR) -> tuple[EmailTemplate, ...]:
    """All templates in `directory`, in manifest order; raises `TemplateError` listing every problem if any."""
    problems = validate(directory)
    if problems:
        raise TemplateError(problems)
    return tuple(_read(directory)[1])


def template_names(directory: Path = TEMPLATES_DIR) -> tuple[str, ...]:
    """The SES template names, e.g. to scope `ses:SendTemplatedEmail` to exactly these templates."""
    return tuple(template.name for template in load_templates(directory))


def render(template: EmailTemplate, values: Mapping[str, str | int]) -> RenderedEmail:
    """Substitute `{{variable}}` in every part as SES does: verbatim, with no HTML escaping (see `html_unsafe_values`).

    A placeholder without a value raises `TemplateError`, as SES fails to render (and send) such an e-mail.
    """
    used = {name for part in PART_LABEL for name in placeholders(template.part(part))}
    missing = sorted(used - values.keys())
    if missing:
        raise TemplateError([f"{template.name}: no value for {{{{{name}}}}}." for name in missing])

    def fill(match: re.Match[str]) -> str:
        variable = PLAIN_VARIABLE.fullmatch(match[1])
        if variable is None:
            raise TemplateError([f"{template.name}: cannot render {match[0]}; only plain {{{{variable}}}} placeholders render."])
        return str(values[variable[1]])

    return RenderedEmail(
        subject=EXPRESSION.sub(fill, template.subject),
        html=EXPRESSION.sub(fill, template.html),
        text=EXPRESSION.sub(fill, template.text),
    )


def html_unsafe_values(values: Mapping[str, str | int]) -> list[str]:
    """Names of values the sender must clean before sending: SES's developer guide says it does not escape HTML."""
    return sorted(name for name, value in values.items() if HTML_UNSAFE.search(str(value)))
