"""The organization, its OUs and accounts, the per-account providers, and (later) guardrails and baselines."""
