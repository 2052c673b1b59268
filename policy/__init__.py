"""The policy rules (rules/) and the Security Hub scorecard (compliance.py), which adds its rule to them."""

from . import compliance  # noqa: F401  (registers the security-hub-controls rule with the rules)
