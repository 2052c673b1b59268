"""The stack config: Pydantic models of every `landing-zone:` section, their cross-checks, and the loader."""

from aws_facts.accounts import MANAGEMENT
from config.errors import ConfigError, Problem
from config.loader import load, validate
from config.stack import StackConfig

__all__ = ["MANAGEMENT", "ConfigError", "Problem", "StackConfig", "load", "validate"]
