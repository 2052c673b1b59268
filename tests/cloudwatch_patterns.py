"""A small evaluator of CloudWatch Logs JSON filter patterns, enough to run the CIS patterns against sample events.

Covers `{ ... }`, `&&` (binding tighter than `||`), parentheses, `$.a.b` selectors compared with `=` / `!=` to
quoted or bare values (a `*` matches any run of characters), and `NOT EXISTS`. A comparison with a missing field is
false, as in CloudWatch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

TOKEN = re.compile(r'\s*(\{|\}|\(|\)|&&|\|\||!=|=|NOT EXISTS|\$\.[A-Za-z0-9_.]+|"[^"]*"|[A-Za-z0-9_.*:-]+)')

Predicate = Callable[[Mapping[str, Any]], bool]
_MISSING = object()


def _tokens(pattern: str) -> list[str]:
    tokens, position = [], 0
    text = pattern.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise ValueError(f"cannot read pattern at {text[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _lookup(event: Mapping[str, Any], selector: str) -> Any:
    value: Any = event
    for part in selector[2:].split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _matches(actual: Any, expected: str) -> bool:
    if actual is _MISSING or actual is None:
        return False
    regex = "^" + ".*".join(re.escape(part) for part in expected.split("*")) + "$"
    return re.match(regex, str(actual)) is not None


class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.index = 0

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.index]
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}, got {token!r}")
        self.index += 1
        return token

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def expression(self) -> Predicate:
        terms = [self.conjunction()]
        while self.peek() == "||":
            self.take()
            terms.append(self.conjunction())
        return lambda event: any(term(event) for term in terms)

    def conjunction(self) -> Predicate:
        terms = [self.atom()]
        while self.peek() == "&&":
            self.take()
            terms.append(self.atom())
        return lambda event: all(term(event) for term in terms)

    def atom(self) -> Predicate:
        if self.peek() == "(":
            self.take("(")
            inner = self.expression()
            self.take(")")
            return inner
        selector = self.take()
        if not selector.startswith("$."):
            raise ValueError(f"expected a selector, got {selector!r}")
        operator = self.take()
        if operator == "NOT EXISTS":
            return lambda event: _lookup(event, selector) is _MISSING
        value = self.take().strip('"')
        if operator == "=":
            return lambda event: _matches(_lookup(event, selector), value)
        if operator == "!=":
            return lambda event: (_lookup(event, selector) is not _MISSING
                                  and not _matches(_lookup(event, selector), value))
        raise ValueError(f"unknown operator {operator!r}")


def compile_pattern(pattern: str) -> Predicate:
    parser = _Parser(_tokens(pattern))
    parser.take("{")
    predicate = parser.expression()
    parser.take("}")
    if parser.peek() is not None:
        raise ValueError(f"trailing tokens after pattern: {parser.tokens[parser.index:]}")
    return predicate
