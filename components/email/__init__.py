"""Transactional and marketing e-mail: the SES templates as data, their loader, renderer and checks."""

from config.email_templates import (
    EmailTemplate,
    RenderedEmail,
    TemplateError,
    Variable,
    html_unsafe_values,
    load_templates,
    render,
    template_names,
    validate,
)

__all__ = [
    "EmailTemplate",
    "RenderedEmail",
    "TemplateError",
    "Variable",
    "html_unsafe_values",
    "load_templates",
    "render",
    "template_names",
    "validate",
]
